import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareTaggings, excerpt } from '../../eval/agreement.ts';
import { parseGoldSet } from '../../eval/gold-set.ts';
import { runCliInProcess } from '../helpers/in-process-cli.ts';

const AXES = [
  { slug: 'sovereignty_multistakeholder', poles: ['sovereignty', 'multistakeholder'] },
  { slug: 'security_rights', poles: ['security', 'rights'] },
] as const;

const item = (id: string, sov: string, sec: string, text = `Passage ${id} on Internet governance.`) =>
  JSON.stringify({ id, text, source: 'test', labels: { sovereignty_multistakeholder: sov, security_rights: sec }, split: 'dev' });

// Axis 1: A = S S M N, B = S M M N -> p_o = 3/4, p_e = (2*1 + 1*2 + 1*1)/16 = 5/16, kappa = 7/11;
// alpha: 8 values (S 3, M 3, N 2), 2 off-diagonal coincidences, E = 64 - 22 = 42 -> 1 - 7 * 2/42 = 2/3.
// Axis 2: identical tags -> kappa = alpha = 1. "a5" is only in A, "b9" only in B.
const A = [
  item('p1', 'sovereignty', 'security'),
  item('p2', 'sovereignty', 'rights', 'The same rights that people have offline must also be protected online, in particular freedom of expression, which is applicable regardless of frontiers.'),
  item('p3', 'multistakeholder', 'irrelevant'),
  item('p4', 'neutral', 'irrelevant'),
  item('a5', 'irrelevant', 'irrelevant'),
];
const B = [
  item('b9', 'irrelevant', 'irrelevant'),
  item('p4', 'neutral', 'irrelevant'),
  item('p3', 'multistakeholder', 'irrelevant'),
  item('p2', 'multistakeholder', 'rights', 'The same rights that people have offline must also be protected online, in particular freedom of expression, which is applicable regardless of frontiers.'),
  item('p1', 'sovereignty', 'security'),
];

describe('compareTaggings', () => {
  it("gives Cohen's kappa and Krippendorff's alpha per axis over the shared ids, and the disagreements", () => {
    const report = compareTaggings(parseGoldSet(A.join('\n'), 'a', AXES), parseGoldSet(B.join('\n'), 'b', AXES), AXES);
    expect(report.n_common).toBe(4);
    expect(report.only_in_a).toEqual(['a5']);
    expect(report.only_in_b).toEqual(['b9']);
    expect(report.text_differs).toEqual([]);
    expect(report.axes.sovereignty_multistakeholder?.observed).toBe(0.75);
    expect(report.axes.sovereignty_multistakeholder?.kappa).toBeCloseTo(7 / 11, 12);
    expect(report.axes.sovereignty_multistakeholder?.alpha).toBeCloseTo(2 / 3, 12);
    expect(report.axes.security_rights).toEqual({ n: 4, observed: 1, kappa: 1, alpha: 1 });
    expect(report.disagreements).toEqual([
      { id: 'p2', axis: 'sovereignty_multistakeholder', a: 'sovereignty', b: 'multistakeholder', excerpt: excerpt(JSON.parse(A[1]!).text as string) },
    ]);
    expect(report.disagreements[0]?.excerpt).toMatch(/^The same rights .{40,}…$/);
  });

  it('reports undefined agreement as null and flags ids whose text differs', async () => {
    const a = parseGoldSet(item('p1', 'irrelevant', 'irrelevant', 'one text'), 'a', AXES);
    const b = parseGoldSet(item('p1', 'irrelevant', 'irrelevant', 'another text'), 'b', AXES);
    const report = compareTaggings(a, b, AXES);
    // One label used throughout: chance explains all agreement, so both coefficients are undefined.
    expect(report.axes.security_rights).toEqual({ n: 1, observed: 1, kappa: null, alpha: null });
    expect(report.text_differs).toEqual(['p1']);
    expect(compareTaggings(a, [], AXES).axes.security_rights).toEqual({ n: 0, observed: null, kappa: null, alpha: null });
  });
});

// Each test writes the files it reads into a directory of its own.
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function taggingsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stance-agreement-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'a.jsonl'), `${A.join('\n')}\n`);
  writeFileSync(join(dir, 'b.jsonl'), `${B.join('\n')}\n`);
  return dir;
}

describe('stance eval agreement', () => {
  it('prints the same comparison from two files, as JSON and as tables', async () => {
    const dir = taggingsDir();
    const env = { STANCE_DATA_DIR: dir, STANCE_AXES_FILE: '' };
    const json = await runCliInProcess(['eval', 'agreement', join(dir, 'a.jsonl'), join(dir, 'b.jsonl'), '--json'], env);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { axes: Record<string, { kappa: number; alpha: number }>; only_in_a: string[]; disagreements: unknown[] };
    expect(out.axes.sovereignty_multistakeholder?.kappa).toBeCloseTo(7 / 11, 12);
    expect(out.axes.sovereignty_multistakeholder?.alpha).toBeCloseTo(2 / 3, 12);
    expect(out.only_in_a).toEqual(['a5']);
    expect(out.disagreements).toHaveLength(1);
    const text = await runCliInProcess(['eval', 'agreement', join(dir, 'a.jsonl'), join(dir, 'b.jsonl')], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/sovereignty_multistakeholder +4 +0\.750 +0\.636 +0\.667/);
    expect(text.stdout).toContain('only in B (1, not compared): b9');
    expect(text.stdout).toMatch(/p2 +sovereignty_multistakeholder +sovereignty +multistakeholder +The same rights/);
  });

  it('stops at a bad line of either file with its line number', async () => {
    const dir = taggingsDir();
    writeFileSync(join(dir, 'bad.jsonl'), `${A[0]}\n${item('p2', 'sovereignty', 'freedom')}\n`);
    const r = await runCliInProcess(['eval', 'agreement', join(dir, 'a.jsonl'), join(dir, 'bad.jsonl')], { STANCE_DATA_DIR: dir, STANCE_AXES_FILE: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'bad.jsonl')}:2: labels.security_rights: unknown label "freedom"`);
  });
});
