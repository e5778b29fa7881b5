import { describe, expect, it } from 'vitest';
import { documentResamples, percentileInterval, resampledItems } from '../../eval/metrics/bootstrap.ts';
import { accuracy, cohenKappa, expectedCalibrationError, macroF1, perClassScores } from '../../eval/metrics/index.ts';
import { pairedMacroF1Differences } from '../../eval/metrics/paired.ts';
import { metricsFromConfusion, resampledConfusionMetrics, resampledEce } from '../../eval/metrics/resampled.ts';
import { buildAxisReport } from '../../eval/report.ts';
import { createRng } from '../../pipeline/stats/random.ts';

const LABELS = ['a', 'b', 'neutral', 'irrelevant'];
const pick = <T>(xs: readonly T[], idx: readonly number[]) => idx.map((i) => xs[i] as T);

describe('document bootstrap', () => {
  it('draws documents, not passages: two documents give three resamples with chances 1/4, 1/2, 1/4', () => {
    // Document x: 3 passages, all right; document y: 1 passage, wrong.
    const groups = ['x', 'x', 'y', 'x'];
    const gold = ['a', 'b', 'a', 'neutral'];
    const predicted = ['a', 'b', 'b', 'neutral'];
    const resamples = documentResamples(groups, 4000, 5);
    const values = resampledConfusionMetrics(gold, predicted, LABELS, resamples).map((m) => m.accuracy);
    // {x, x}: 6/6 = 1; {x, y}: 3/4; {y, y}: 0/2 = 0.
    const share = (v: number) => values.filter((x) => x === v).length / values.length;
    expect(share(1)).toBeCloseTo(0.25, 1);
    expect(share(0.75)).toBeCloseTo(0.5, 1);
    expect(share(0)).toBeCloseTo(0.25, 1);
    expect(share(1) + share(0.75) + share(0)).toBe(1);
    // A quarter of the mass sits at each end, so the 2.5% and 97.5% quantiles are exactly the ends.
    expect(percentileInterval(values)).toEqual([0, 1]);
  });

  it('is reproducible: the same seed gives the same resamples, another seed others', () => {
    const groups = ['p', 'q', 'r', 's', 'p', 'q'];
    const a = documentResamples(groups, 50, 1);
    const b = documentResamples(groups, 50, 1);
    const c = documentResamples(groups, 50, 2);
    expect(a.counts).toEqual(b.counts);
    expect(a.counts).not.toEqual(c.counts);
    // Each replicate draws as many documents as there are.
    for (const counts of a.counts) expect(counts.reduce((s, x) => s + x, 0)).toBe(4);
  });

  it('gives, on every replicate, the metrics computed from scratch on the resampled labels', () => {
    const rng = createRng(9);
    const n = 40;
    const gold = Array.from({ length: n }, () => LABELS[rng.int(4)] as string);
    const predicted = gold.map((g) => (rng.next() < 0.6 ? g : (LABELS[rng.int(4)] as string)));
    const confidences = gold.map(() => rng.next());
    const correct = predicted.map((p, i) => p === gold[i]);
    const groups = gold.map(() => `doc${rng.int(9)}`);
    const resamples = documentResamples(groups, 60, 3);
    const fast = resampledConfusionMetrics(gold, predicted, LABELS, resamples);
    const ece = resampledEce(confidences, correct, resamples);
    fast.forEach((m, r) => {
      const idx = resampledItems(resamples, r);
      const g = pick(gold, idx);
      const p = pick(predicted, idx);
      expect(m.accuracy).toBeCloseTo(accuracy(g, p, LABELS), 12);
      expect(m.macro_f1).toBeCloseTo(macroF1(g, p, LABELS), 12);
      expect(m.kappa).toBeCloseTo(cohenKappa(g, p, LABELS), 12);
      const perClass = perClassScores(g, p, LABELS);
      LABELS.forEach((l, k) => expect(m.f1[k]).toBeCloseTo(perClass[l]?.f1 ?? -1, 12));
      expect(ece[r]).toBeCloseTo(expectedCalibrationError(pick(confidences, idx), pick(correct, idx)), 12);
    });
  });

  it('computes metrics from a confusion matrix as the label functions do, NaN where they are undefined', () => {
    expect(metricsFromConfusion([0, 0, 0, 0], 2).accuracy).toBeNaN();
    // All one class on both sides: kappa undefined (p_e = 1), accuracy 1, macro-F1 over the one present class.
    const one = metricsFromConfusion([5, 0, 0, 0], 2);
    expect(one.kappa).toBeNaN();
    expect(one.macro_f1).toBe(1);
  });

  it('takes the type-7 percentiles, and gives no interval when most replicates are undefined', () => {
    // 0..100: the 2.5% quantile is at h = 100 * 0.025 = 2.5 -> 2.5, the 97.5% at 97.5.
    const [lo = 0, hi = 0] = percentileInterval(Array.from({ length: 101 }, (_, i) => i)) ?? [];
    expect(lo).toBeCloseTo(2.5, 12);
    expect(hi).toBeCloseTo(97.5, 12);
    expect(percentileInterval([Number.NaN, Number.NaN, 1])).toBeNull();
    // Two defined of three: h = 0.025 and 0.975 between 1 and 2.
    const [lo2 = 0, hi2 = 0] = percentileInterval([Number.NaN, 2, 1]) ?? [];
    expect(lo2).toBeCloseTo(1.025, 12);
    expect(hi2).toBeCloseTo(1.975, 12);
  });
});

describe('paired differences in macro-F1', () => {
  it('uses the same resamples for both systems: a system against itself differs by exactly 0', () => {
    const gold = ['a', 'b', 'a', 'neutral', 'irrelevant', 'b'];
    const p = ['a', 'a', 'a', 'neutral', 'b', 'b'];
    const [pair] = pairedMacroF1Differences(gold, [['x', p], ['y', [...p]]], LABELS, documentResamples(['1', '1', '2', '3', '3', '4'], 200, 1));
    expect(pair).toEqual({ a: 'x', b: 'y', diff: 0, ci: [0, 0] });
  });

  it('gives the difference on the data and the interval of the per-replicate differences', () => {
    const gold = ['a', 'b', 'a', 'neutral', 'irrelevant', 'b', 'a', 'b'];
    const x = ['a', 'b', 'a', 'neutral', 'irrelevant', 'b', 'b', 'b'];
    const y = ['a', 'a', 'b', 'neutral', 'neutral', 'b', 'a', 'a'];
    const groups = ['1', '1', '2', '2', '3', '4', '5', '5'];
    const resamples = documentResamples(groups, 300, 4);
    const [pair] = pairedMacroF1Differences(gold, [['x', x], ['y', y]], LABELS, resamples);
    expect(pair?.diff).toBeCloseTo(macroF1(gold, x, LABELS) - macroF1(gold, y, LABELS), 12);
    const diffs = resamples.counts.map((_, r) => {
      const idx = resampledItems(resamples, r);
      return macroF1(pick(gold, idx), pick(x, idx), LABELS) - macroF1(pick(gold, idx), pick(y, idx), LABELS);
    });
    const expected = percentileInterval(diffs) as [number, number];
    expect(pair?.ci?.[0]).toBeCloseTo(expected[0], 12);
    expect(pair?.ci?.[1]).toBeCloseTo(expected[1], 12);
  });
});

describe('intervals in the axis report', () => {
  it('gives every metric of the model and of the baselines an interval from the resamples', () => {
    const gold = ['a', 'b', 'a', 'neutral', 'irrelevant', 'b', 'a', 'b'];
    const predicted = ['a', 'b', 'b', 'neutral', 'irrelevant', 'b', 'a', 'a'];
    const resamples = documentResamples(['1', '1', '2', '2', '3', '4', '5', '5'], 400, 2);
    const report = buildAxisReport(
      { slug: 'x', poles: ['a', 'b'] },
      { gold, predicted, probabilities: predicted.map((p) => ({ [p]: 0.8 })), baselines: { same: predicted } },
      { resamples },
    );
    const expectedMacro = percentileInterval(resampledConfusionMetrics(gold, predicted, LABELS, resamples).map((m) => m.macro_f1));
    expect(report.ci?.macro_f1).toEqual(expectedMacro);
    // A baseline with the model's predictions gets the model's intervals (same resamples).
    expect(report.baselines.same?.ci).toEqual({ accuracy: report.ci?.accuracy, macro_f1: report.ci?.macro_f1, kappa: report.ci?.kappa });
    expect(Object.keys(report.ci?.per_class_f1 ?? {})).toEqual(LABELS);
    expect(report.ci?.ece).not.toBeNull();
  });
});
