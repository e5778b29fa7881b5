import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareParams, similarParams } from '../../app/compare/service.ts';
import { parseRowId } from '../../app/compare/selection.ts';
import { documentIdArgs, idListOption, idOption } from '../../cli/options.ts';
import { runCli } from '../helpers/cli.ts';

// Ids are Postgres integers: 2^31 or more used to reach SQL and fail there ("integer out of range",
// a 500 over HTTP, an "unexpected error" in the CLI) instead of being refused as bad input.

const LARGEST = 2 ** 31 - 1;

describe('id validation shared by the CLI and the API', () => {
  it('takes ids from 1 to 2^31 - 1 and refuses the rest', () => {
    expect(similarParams.safeParse({ chunk: LARGEST }).success).toBe(true);
    for (const chunk of [2 ** 31, 2 ** 53, 0, -1, 1.5]) expect(similarParams.safeParse({ chunk }).success, String(chunk)).toBe(false);
    expect(compareParams.safeParse({ documents: [1, LARGEST] }).success).toBe(true);
    const bad = compareParams.safeParse({ documents: [1, 2 ** 31] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['documents', 1]);
    expect(bad.error?.issues[0]?.message).toContain(String(LARGEST));
  });

  it('reads an id from text for the CLI and the API alike', () => {
    expect(parseRowId('42')).toBe(42);
    expect(parseRowId(' 42 ')).toBe(42);
    expect(parseRowId(String(LARGEST))).toBe(LARGEST);
    for (const v of ['2147483648', '99999999999', '0', '-5', '1.5', '1e3', 'abc', '']) expect(parseRowId(v), v).toBeUndefined();
    expect(documentIdArgs(['7'])).toEqual([7]);
    expect(() => documentIdArgs(['99999999999'])).toThrow(`"99999999999" is not a document id (a whole number from 1 to ${LARGEST}, as \`stance documents\` shows)`);
  });

  it('the CLI parsers name the flag and the range', () => {
    const chunk = idOption('--chunk');
    expect(chunk('42')).toBe(42);
    expect(chunk(String(LARGEST))).toBe(LARGEST);
    for (const v of ['2147483648', '0', '-5', '1.5', '1e3', 'abc', '']) expect(() => chunk(v), v).toThrow(`--chunk takes an id, a whole number from 1 to ${LARGEST}; got "${v}"`);
    expect(idListOption('--documents')('7', [3])).toEqual([3, 7]);
  });
});

describe('stance commands with an id out of range', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stance-ids-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    [['similar', '--chunk', '2147483648'], '--chunk'],
    [['compare', '--documents', '1', '2147483648'], '--documents'],
  ])('%j exits non-zero with a message naming %s', (args, flag) => {
    const r = runCli(args, { STANCE_DATA_DIR: dataDir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${flag} takes an id, a whole number from 1 to ${LARGEST}; got "2147483648"`);
    expect(r.stderr).not.toContain('unexpected error');
  }, 120_000);
});
