import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/in-process-cli.ts';
import { countConfusion, metricsOfConfusion } from '../helpers/hand-metrics.ts';
import { freshEvalStore } from '../helpers/eval-store.ts';
import { repoPath } from '../helpers/paths.ts';

// Each test its own data dir (its own embedded store), so no test sees another's runs.
const freshStore = freshEvalStore;

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

function writeSet(dataDir: string, name: string, lines: string[]): string {
  const file = join(dataDir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const inUnit = (x: number | null) => x === null || (x >= 0 && x <= 1);
const splitOf = (line: string) => (JSON.parse(line) as { split: string }).split;

/** The majority baseline by hand: the most frequent dev label (ties to the first in code-unit order). */
function majorityLabel(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : 1))[0]![0];
}

describe('stance eval on the embedded store with the tiny models', () => {
  it('prints every metric of the test split as JSON, with baselines, and stores the run', async () => {
    const { env } = await freshStore();
    const r = await runCliInProcess(['eval', '--set', GOLD, '--split', 'test', '--json'], env);
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
    const dev = goldItems.filter((i) => i.split === 'dev');
    for (const slug of AXES) {
      const axis = out.axes[slug] as AxisJson;
      expect(axis.n).toBe(test.length);
      // The confusion matrix holds every item once and its rows match gold; every metric of the
      // report is then recomputed from it by the textbook definitions (test/helpers/hand-metrics.ts).
      const { labels, matrix } = axis.confusion;
      expect(labels).toHaveLength(4);
      expect(matrix.flat().reduce((s, x) => s + x, 0)).toBe(test.length);
      labels.forEach((label, k) => {
        expect((matrix[k] ?? []).reduce((s, x) => s + x, 0)).toBe(test.filter((i) => i.labels[slug] === label).length);
      });
      const hand = metricsOfConfusion(matrix);
      expect(axis.accuracy).toBeCloseTo(hand.accuracy, 12);
      expect(axis.macro_f1).toBeCloseTo(hand.macroF1, 12);
      if (Number.isNaN(hand.kappa)) expect(axis.kappa).toBeNull();
      else expect(axis.kappa).toBeCloseTo(hand.kappa, 12);
      labels.forEach((label, k) => {
        const c = hand.perClass[k]!;
        expect(axis.per_class[label]).toEqual({ precision: expect.closeTo(c.precision, 12), recall: expect.closeTo(c.recall, 12), f1: expect.closeTo(c.f1, 12), support: c.support });
      });
      // ECE needs each item's confidence, which the report does not print: only its range is checkable here.
      expect(inUnit(axis.ece)).toBe(true);
      for (const ci of [axis.ci.accuracy, axis.ci.macro_f1, axis.ci.ece, ...Object.values(axis.ci.per_class_f1)]) expect(ciWithin(ci, 0, 1)).toBe(true);
      expect(ciWithin(axis.ci.kappa, -1, 1)).toBe(true);
      expect(Object.keys(axis.ci.per_class_f1)).toEqual(axis.confusion.labels);
      // Accuracy is defined on every resample, so it always has an interval.
      expect(axis.ci.accuracy).not.toBeNull();
      expect(Object.keys(axis.baselines)).toEqual(['majority', 'lexicon', 'bow']);
      // The majority baseline, trained on dev, predicts one label for every test item.
      const constant = majorityLabel(dev.map((i) => i.labels[slug]!));
      const gold = test.map((i) => i.labels[slug]!);
      const majority = metricsOfConfusion(countConfusion(gold, gold.map(() => constant), labels));
      expect(axis.baselines.majority?.accuracy).toBeCloseTo(majority.accuracy, 12);
      expect(axis.baselines.majority?.macro_f1).toBeCloseTo(majority.macroF1, 12);
      expect(axis.baselines.majority?.kappa).toBeCloseTo(0, 12);
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
  }, 240_000); // scores the whole test split with the tiny models

  it('prints readable tables in text mode, saying the models are synthetic (prototype scorer, dev split of a small set)', async () => {
    const { dataDir, env } = await freshStore();
    const devLines = goldLines.filter((l) => splitOf(l) === 'dev').slice(0, 24);
    const file = writeSet(dataDir, 'small.jsonl', devLines);
    const r = await runCliInProcess(['eval', '--set', file, '--split', 'dev', '--scorer', 'prototype', '--replicates', '300'], env);
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
  ] as const)('stops at a %s with file and line, exit code 2, and scores nothing', async (name, edit, line, message) => {
    const { dataDir, env } = await freshStore();
    const file = writeSet(dataDir, `${name.replace(/ /g, '-')}.jsonl`, edit(goldLines.slice(0, 3)) as string[]);
    const r = await runCliInProcess(['eval', '--set', file, '--split', 'all'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:${line}:`);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('loading models');
    expect(r.stdout).toBe('');
  });

  it('lists the stored runs per axis in history, and nothing of the runs that stopped', async () => {
    // Its own store with two small runs that succeed and one that stops at a malformed line.
    const { dataDir, env } = await freshStore();
    const small = writeSet(dataDir, 'small.jsonl', [
      ...goldLines.filter((l) => splitOf(l) === 'dev').slice(0, 12),
      ...goldLines.filter((l) => splitOf(l) === 'test').slice(0, 6),
    ]);
    const broken = writeSet(dataDir, 'broken.jsonl', [goldLines[0]!, '{"id": "x", "text": ']);
    const run = async (args: string[], code: number) => expect((await runCliInProcess(['eval', ...args, '--replicates', '100'], env)).code).toBe(code);
    await run(['--set', small, '--split', 'test', '--scorer', 'prototype'], 0);
    await run(['--set', broken, '--split', 'all', '--scorer', 'prototype'], 2);
    await run(['--set', small, '--split', 'dev', '--scorer', 'prototype'], 0);

    const json = await runCliInProcess(['eval', 'history', '--json'], env);
    expect(json.code).toBe(0);
    const { runs } = JSON.parse(json.stdout) as { runs: { split: string; scorer: string; n_items: number; axes: Record<string, { accuracy: number }> }[] };
    // Exactly the two runs that succeeded: the format error stored nothing.
    expect(runs.map((r) => [r.split, r.scorer, r.n_items])).toEqual([
      ['test', 'prototype', 6],
      ['dev', 'prototype', 12],
    ]);
    expect(Object.keys(runs[0]?.axes ?? {}).sort()).toEqual([...AXES].sort());
    const text = await runCliInProcess(['eval', 'history', '--limit', '1'], env);
    expect(text.code).toBe(0);
    const rows = text.stdout.trim().split('\n').slice(2);
    expect(rows).toHaveLength(2); // the last run, one row per axis
    expect(rows.every((row) => / dev +prototype /.test(row))).toBe(true);
  }, 240_000); // five CLI runs, two of them scoring
});
