import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { TINY_MODEL_ENV } from '../helpers/models.ts';
import { writeGoldSubset } from '../helpers/gold-subset.ts';

const dir = mkdtempSync(join(tmpdir(), 'stance-train-extra-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SLOW = 240_000;
const env = { STANCE_DATA_DIR: join(dir, 'data'), STANCE_AXES_FILE: '', ...TINY_MODEL_ENV };

// 8 dev documents and 2 test documents of the gold set; extra items written below.
const SET = join(dir, 'small.jsonl');
const { nDev } = writeGoldSubset(SET, 8, 2);
const setItems = readFileSync(SET, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { id: string; text: string; doc: string; split: string; labels: Record<string, string> });
const devDoc = setItems.find((i) => i.split === 'dev')?.doc as string;
const testItem = setItems.find((i) => i.split === 'test') as (typeof setItems)[number];
const labels = { sovereignty_multistakeholder: 'multistakeholder', security_rights: 'irrelevant' };
const extraLine = (id: string, text: string, doc: string, split = 'dev') => JSON.stringify({ id, text, source: 'x', doc, labels, split, annotator: 'test' });

function writeExtra(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('stance train --extra', () => {
  it('trains on the set split and the extra files together, and says how many of each', () => {
    const a = writeExtra('a.jsonl', [extraLine('x1', 'The forum should let every stakeholder take part in deciding its rules.', devDoc)]);
    const b = writeExtra('b.jsonl', [extraLine('x2', 'Civil society and companies must sit at the table where norms are made.', 'a-new-document.txt')]);
    const r = runCli(['train', '--name', 'extra', '--set', SET, '--extra', a, '--extra', b, '--no-store', '--out', join(dir, 'extra.json'), '--json'], env);
    expect(r.stderr).toContain(`training on ${nDev} dev item(s) of ${SET} and 2 extra item(s) of ${a}, ${b}`);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { training: { n_items: number; n_extra_items?: number; split: string } };
    expect(out.training).toMatchObject({ n_items: nDev + 2, n_extra_items: 2, split: 'dev' });
  }, SLOW);

  it('refuses, with exit code 2, an extra item of the test split, from a test document, or repeating a passage of the set', () => {
    const bad = writeExtra('bad.jsonl', [
      extraLine('t1', 'A fresh sentence that no gold passage holds, but marked test.', 'fresh.txt', 'test'),
      extraLine('t2', 'Another fresh sentence that comes from a test document here.', testItem.doc),
      extraLine('t3', setItems[0]?.text as string, devDoc),
    ]);
    const r = runCli(['train', '--name', 'bad', '--set', SET, '--extra', bad, '--no-store', '--out', join(dir, 'bad.json')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('extra training items refused');
    expect(r.stderr).toContain(`${bad}:1 (t1): split "test"`);
    expect(r.stderr).toContain(`${bad}:2 (t2): document ${testItem.doc} is in the test split`);
    expect(r.stderr).toContain(`${bad}:3 (t3): its text repeats ${setItems[0]?.id} of the set`);
  }, SLOW);

  it('refuses --extra with --split all (nothing held out to check against)', () => {
    const a = writeExtra('c.jsonl', [extraLine('x3', 'Yet another fresh sentence for the split check here.', devDoc)]);
    const r = runCli(['train', '--name', 'all', '--set', SET, '--split', 'all', '--extra', a, '--no-store', '--out', join(dir, 'all.json')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--extra needs --split dev or test');
  }, SLOW);
});
