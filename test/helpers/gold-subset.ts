import { readFileSync, writeFileSync } from 'node:fs';
import { repoPath } from './paths.ts';

/**
 * Writes a small gold set of whole documents of eval/gold.jsonl (the first nDev dev documents and
 * nTest test documents, in file order) to `file`, so that tests that train or score stay short.
 * Returns the number of dev and test items written.
 */
export function writeGoldSubset(file: string, nDev: number, nTest: number): { nDev: number; nTest: number } {
  const lines = readFileSync(repoPath('eval/gold.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const byDoc = new Map<string, string[]>();
  for (const l of lines) {
    const { doc, split } = JSON.parse(l) as { doc: string; split: string };
    byDoc.set(`${split} ${doc}`, [...(byDoc.get(`${split} ${doc}`) ?? []), l]);
  }
  const keys = [...byDoc.keys()];
  const dev = keys.filter((k) => k.startsWith('dev ')).slice(0, nDev);
  const test = keys.filter((k) => k.startsWith('test ')).slice(0, nTest);
  writeFileSync(file, `${[...dev, ...test].flatMap((k) => byDoc.get(k) ?? []).join('\n')}\n`);
  const count = (ks: string[]) => ks.reduce((s, k) => s + (byDoc.get(k)?.length ?? 0), 0);
  return { nDev: count(dev), nTest: count(test) };
}
