import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDataDir } from '../helpers/db.ts';
import { runCliInProcess } from '../helpers/in-process-cli.ts';

// `--no-process`: these tests are about reading and storing; no model is needed.
const root = mkdtempSync(join(tmpdir(), 'stance-cli-hostile-'));
// The store: a copy of the run's empty, migrated template.
const env = { STANCE_DATA_DIR: '' };
beforeAll(async () => {
  env.STANCE_DATA_DIR = await freshDataDir();
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(env.STANCE_DATA_DIR, { recursive: true, force: true });
});

const write = (rel: string, content: string | Uint8Array) => {
  const path = join(root, rel);
  writeFileSync(path, content);
  return path;
};

type JsonOutcome = { file: string; status: string; problem?: string; message?: string };
const outcomes = (stdout: string) => (JSON.parse(stdout) as { results: JsonOutcome[] }).results;

describe('stance ingest with hostile files', () => {
  it('reports deep HTML per file and still stores the files after it; refuses a bad --date once, before any file', async () => {
    const files = [
      write('a.txt', 'The first text, before the deep page.'),
      write('deep.html', `${'<div>'.repeat(3_000)}Deep.${'</div>'.repeat(3_000)}`),
      write('utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('A UTF-16 text with its byte-order mark.', 'utf16le')])),
      write('z.txt', 'The last text, after the deep page.'),
    ];
    const r = await runCliInProcess(['ingest', '--no-process', '--json', '--source', 'CLI test', ...files], env);
    expect(r.code).toBe(1);
    expect(outcomes(r.stdout).map((o) => [o.file, o.status, o.problem])).toEqual([
      [files[0], 'created', undefined],
      [files[1], 'failed', 'too-deep'],
      [files[2], 'created', undefined],
      [files[3], 'created', undefined],
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at |RangeError|unexpected error/);

    // A bad flag is one mistake, whatever the number of files: said once, with the flag, and nothing read (exit code 2).
    const fresh = write('fresh.txt', 'A text that a bad flag keeps out of the store.');
    const bad = await runCliInProcess(['ingest', '--no-process', '--source', 'CLI test', '--date', '2020-02-30', '--url', 'javascript:alert(1)', fresh, files[3] as string], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('stance: --date 2020-02-30: day 30 does not exist in that month (01 to 29); --url must be an absolute http or https URL such as https://example.org/page; nothing was ingested\n');
    expect(bad.stdout).toBe('');
    const listed = JSON.parse((await runCliInProcess(['documents', '--json'], env)).stdout) as { documents: { file_name: string }[] };
    expect(listed.documents.map((d) => d.file_name)).not.toContain('fresh.txt');
  });

  it('confines manifest paths to the manifest folder unless --allow-outside-manifest-dir', async () => {
    const dir = join(root, 'manifest');
    mkdirSync(dir);
    const outside = write('outside.txt', 'A text that lives outside the manifest folder.');
    write('manifest/inside.txt', 'A text that lives inside the manifest folder.');
    symlinkSync(outside, join(dir, 'link.txt'));
    const lines = [
      { file: '../outside.txt', source: 'M' },
      { file: outside, source: 'M' },
      { file: 'link.txt', source: 'M' },
      { file: 'inside.txt', source: 'M' },
    ];
    writeFileSync(join(dir, 'm.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
    const r = await runCliInProcess(['ingest', '--no-process', '--json', '--manifest', join(dir, 'm.jsonl')], env);
    expect(r.code).toBe(1);
    const out = outcomes(r.stdout);
    expect(out.map((o) => o.problem ?? o.status)).toEqual(['outside-manifest-dir', 'outside-manifest-dir', 'outside-manifest-dir', 'created']);
    expect(out[0]?.message).toMatch(/line 1: "\.\.\/outside\.txt" points outside the manifest's folder \(pass --allow-outside-manifest-dir/);
    expect(out[1]?.message).toMatch(/is an absolute path/);
    expect(out[2]?.message).toMatch(/symbolic link to a file outside/);

    const allowed = await runCliInProcess(['ingest', '--no-process', '--json', '--allow-outside-manifest-dir', '--manifest', join(dir, 'm.jsonl')], env);
    expect(allowed.code).toBe(0);
    // The three entries name one outside file: the first stores it, the others find it.
    expect(outcomes(allowed.stdout).map((o) => o.status)).toEqual(['created', 'duplicate', 'duplicate', 'duplicate']);
  });
});
