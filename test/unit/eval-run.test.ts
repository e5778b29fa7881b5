import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { TINY_MODEL_ENV } from '../helpers/models.ts';
import { repoPath } from '../helpers/paths.ts';

// One data dir for the whole file: every CLI run below shares the embedded store.
const dataDir = mkdtempSync(join(tmpdir(), 'stance-eval-'));
const env = { STANCE_DATA_DIR: dataDir, STANCE_THRESHOLD_PROFILE: '', STANCE_AXES_FILE: '', ...TINY_MODEL_ENV };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const GOLD = repoPath('eval/gold.jsonl');
const goldLines = readFileSync(GOLD, 'utf8').split('\n').filter((l) => l.trim() !== '');
const goldItems = goldLines.map((l) => JSON.parse(l) as { id: string; split: string; labels: Record<string, string> });
const AXES = ['sovereignty_multistakeholder', 'security_rights'];

type Ci = [number, number] | null;
interface AxisJson {
  ci: { accuracy: Ci; macro_f1: Ci; kappa: Ci; ece: Ci; per_class_f1: Record<string, Ci> };
  n: number;
  accuracy: number | null;
  macro_f1: number | null;
  kappa: number | null;
  ece: number | null;
  confusion: { labels: string[]; matrix: number[][] };
  per_class: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  baselines: Record<string, { accuracy: number | null; macro_f1: number | null; kappa: number | null; ci: { accuracy: Ci; macro_f1: Ci; kappa: Ci } }>;
}

/** An interval inside [lo, hi] with its ends in order. */
const ciWithin = (ci: Ci, lo: number, hi: number) => ci === null || (ci[0] <= ci[1] && ci[0] >= lo && ci[1] <= hi);

function writeSet(name: string, lines: string[]): string {
  const file = join(dataDir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const inUnit = (x: number | null) => x === null || (x >= 0 && x <= 1);

describe('stance eval on the embedded store with the tiny models', () => {
  it('prints every metric of the test split as JSON, with baselines, and stores the run', () => {
    const r = runCli(['eval', '--set', GOLD, '--split', 'test', '--json'], env);
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      models: { embed: { name: string }; nli: { name: string; dtype: string; version: string } };
      synthetic_models: boolean;
      bootstrap: { unit: string; replicates: number; seed: number; level: number };
      set: { n_documents: number };
      scorers: Record<string, { run_id: number; axes: Record<string, AxisJson> }>;
      pairs: { axis: string; a: string; b: string; diff: number | null; ci: Ci }[];
    };
    // One shape for one scorer or many: scorers keyed by name, and pairs.
    expect(Object.keys(json.scorers)).toEqual(['nli']);
    const out = { ...json, ...json.scorers.nli! };
    expect(json.bootstrap).toEqual({ unit: 'document', replicates: 2000, seed: 20240601, level: 0.95 });
    expect(json.set.n_documents).toBe(new Set(goldItems.filter((i) => i.split === 'test').map((i) => (i as { doc?: string }).doc)).size);
    // nli and the 3 baselines: 6 pairs per axis, each diff the difference of the two macro-F1.
    expect(json.pairs).toHaveLength(12);
    for (const p of json.pairs) {
      const axis = out.axes[p.axis] as AxisJson;
      const f1 = (name: string) => (name === 'nli' ? axis.macro_f1 : axis.baselines[name.replace('baseline:', '')]?.macro_f1) ?? Number.NaN;
      expect(p.diff).toBeCloseTo(f1(p.a) - f1(p.b), 12);
      expect(ciWithin(p.ci, -1, 1)).toBe(true);
    }
    expect(out.models.nli.name).toBe('tiny-random-nli');
    expect(out.models.embed.name).toBe('tiny-lexical-embed');
    expect(out.synthetic_models).toBe(true);
    expect(Object.keys(out.axes)).toEqual(AXES);
    const test = goldItems.filter((i) => i.split === 'test');
    for (const slug of AXES) {
      const axis = out.axes[slug] as AxisJson;
      expect(axis.n).toBe(test.length);
      for (const m of [axis.accuracy, axis.macro_f1, axis.ece]) expect(inUnit(m)).toBe(true);
      for (const ci of [axis.ci.accuracy, axis.ci.macro_f1, axis.ci.ece, ...Object.values(axis.ci.per_class_f1)]) expect(ciWithin(ci, 0, 1)).toBe(true);
      expect(ciWithin(axis.ci.kappa, -1, 1)).toBe(true);
      expect(Object.keys(axis.ci.per_class_f1)).toEqual(axis.confusion.labels);
      // Accuracy is defined on every resample, so it always has an interval.
      expect(axis.ci.accuracy).not.toBeNull();
      expect(axis.kappa === null || (axis.kappa >= -1 && axis.kappa <= 1)).toBe(true);
      // The confusion matrix holds every item once, its rows match gold, and its diagonal is the accuracy.
      const { labels, matrix } = axis.confusion;
      expect(labels).toHaveLength(4);
      const total = matrix.flat().reduce((s, x) => s + x, 0);
      expect(total).toBe(test.length);
      labels.forEach((label, k) => {
        expect((matrix[k] ?? []).reduce((s, x) => s + x, 0)).toBe(test.filter((i) => i.labels[slug] === label).length);
        expect(axis.per_class[label]?.support).toBe(test.filter((i) => i.labels[slug] === label).length);
      });
      const diagonal = labels.reduce((s, _, k) => s + (matrix[k]?.[k] ?? 0), 0);
      expect(axis.accuracy).toBeCloseTo(diagonal / test.length, 12);
      expect(Object.keys(axis.baselines)).toEqual(['majority', 'lexicon', 'bow']);
      for (const b of Object.values(axis.baselines)) {
        expect(inUnit(b.accuracy) && inUnit(b.macro_f1)).toBe(true);
        expect(b.kappa === null || (b.kappa >= -1 && b.kappa <= 1)).toBe(true);
        expect(ciWithin(b.ci.accuracy, 0, 1) && ciWithin(b.ci.macro_f1, 0, 1) && b.ci.accuracy !== null).toBe(true);
      }
    }
    // The bag-of-words model learns from dev only, so it beats the majority class on test words.
    const sec = out.axes.security_rights as AxisJson;
    expect(sec.baselines.bow?.accuracy).toBeGreaterThan(sec.baselines.majority?.accuracy ?? 1);
    expect(out.run_id).toBeGreaterThan(0);
  });

  it('prints readable tables in text mode, saying the models are synthetic (prototype scorer, dev split of a small set)', () => {
    const devLines = goldLines.filter((l) => (JSON.parse(l) as { split: string }).split === 'dev').slice(0, 24);
    const file = writeSet('small.jsonl', devLines);
    const r = runCli(['eval', '--set', file, '--split', 'dev', '--scorer', 'prototype', '--replicates', '300'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('synthetic test models: these numbers test the mechanics, they are not findings');
    expect(r.stdout).toContain('== Axis security_rights (n = 24) ==');
    expect(r.stdout).toMatch(/baseline: bow/);
    expect(r.stdout).toContain('cross-validation grouped by document');
    expect(r.stdout).toMatch(/Paired differences in macro-F1/);
    expect(r.stdout).toMatch(/prototype +baseline:bow +-?\d\.\d{3} +\[-?\d\.\d{3}, -?\d\.\d{3}\]/);
    expect(r.stdout).toMatch(/95% percentile bootstrap over the \d+ document\(s\)/);
    expect(r.stderr).toMatch(/scoring 24 item\(s\) with prototype: 24\/24/);
  });

  it.each([
    ['malformed line', (l: string[]) => [l[0], '{"id": "x", "text": ', l[2]], 2, /invalid JSON/],
    ['unknown axis', (l: string[]) => [l[0], l[1], (l[2] ?? '').replace('"security_rights"', '"security_right"')], 3, /unknown axis "security_right"/],
    ['unknown label', (l: string[]) => [l[0], (l[1] ?? '').replace(/"security_rights": "[a-z]+"/, '"security_rights": "safety"'), l[2]], 2, /unknown label "safety"/],
  ] as const)('stops at a %s with file and line, exit code 2, and scores nothing', (name, edit, line, message) => {
    const file = writeSet(`${name.replace(/ /g, '-')}.jsonl`, edit(goldLines.slice(0, 3)) as string[]);
    const r = runCli(['eval', '--set', file, '--split', 'all'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:${line}:`);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('loading models');
    expect(r.stdout).toBe('');
  });

  it('lists the stored runs per axis in history, and nothing of the runs that stopped', () => {
    const json = runCli(['eval', 'history', '--json'], env);
    expect(json.code).toBe(0);
    const { runs } = JSON.parse(json.stdout) as { runs: { split: string; scorer: string; n_items: number; axes: Record<string, { accuracy: number }> }[] };
    // Exactly the two runs that succeeded: the format errors above stored nothing.
    expect(runs.map((r) => [r.split, r.scorer])).toEqual([
      ['test', 'nli'],
      ['dev', 'prototype'],
    ]);
    expect(Object.keys(runs[0]?.axes ?? {}).sort()).toEqual([...AXES].sort());
    const text = runCli(['eval', 'history', '--limit', '1'], env);
    expect(text.code).toBe(0);
    const rows = text.stdout.trim().split('\n').slice(2);
    expect(rows).toHaveLength(2); // the last run, one row per axis
    expect(rows.every((row) => / dev +prototype /.test(row))).toBe(true);
  });
});
