import { describe, expect, it } from 'vitest';
import { compareGroups } from '../../pipeline/stats/difference.ts';
import { compareManyGroups } from '../../pipeline/stats/group-comparison.ts';
import { readChunks } from '../../pipeline/stats/input.ts';
import { linearizedStandardError, normalInterval, permutationNormalP } from '../../pipeline/stats/large-sample.ts';
import { erfc, normalQuantile, twoSidedNormalP } from '../../pipeline/stats/normal.ts';
import { bootstrapPositionCI } from '../../pipeline/stats/position.ts';
import { createRng } from '../../pipeline/stats/random.ts';

function synthetic(n: number, centre: number, seed: number) {
  const rng = createRng(seed);
  const scores = Array.from({ length: n }, () => Math.max(-1, Math.min(1, centre + (rng.next() - 0.5) * 1.2)));
  const relevances = Array.from({ length: n }, () => 0.3 + 0.7 * rng.next());
  return { scores, relevances };
}

describe('normal distribution helpers', () => {
  it('match tabulated values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(erfc(0)).toBeCloseTo(1, 6);
    expect(twoSidedNormalP(1.959964)).toBeCloseTo(0.05, 5);
    expect(twoSidedNormalP(3.290527)).toBeCloseTo(0.001, 5);
  });
});

describe('large-sample equivalents of the resampling procedures', () => {
  it('the linearized standard error of a weighted mean matches a hand computation', () => {
    // scores 1, -1; relevances 1, 1: R = 0, u = (1, -1), se = sqrt(2) / 2.
    expect(linearizedStandardError(readChunks([1, -1], [1, 1]))).toBeCloseTo(Math.SQRT2 / 2, 12);
    expect(linearizedStandardError(readChunks([0.5], [0]))).toBeNull();
  });

  it('the normal interval is center +- z * se with the normal quantile of the level, clipped to the range', () => {
    // z(0.975) = 1.959963985 and z(0.95) = 1.644853627 from standard normal tables.
    const [lo95, hi95] = normalInterval(0.1, 0.05, 0.95);
    expect(lo95).toBeCloseTo(0.1 - 1.959963985 * 0.05, 8);
    expect(hi95).toBeCloseTo(0.1 + 1.959963985 * 0.05, 8);
    const [lo90, hi90] = normalInterval(-0.2, 0.1, 0.9);
    expect(lo90).toBeCloseTo(-0.2 - 0.1644853627, 8);
    expect(hi90).toBeCloseTo(-0.2 + 0.1644853627, 8);
    expect(normalInterval(0.9, 0.1, 0.95)).toEqual([expect.closeTo(0.9 - 0.1959963985, 8), 1]);
    expect(normalInterval(-0.9, 0.1, 0.95)).toEqual([-1, expect.closeTo(-0.9 + 0.1959963985, 8)]);
    expect(normalInterval(1.5, 0.4, 0.95, [-2, 2])).toEqual([expect.closeTo(1.5 - 0.783985594, 8), 2]);
  });

  it('the normal permutation p-value uses the exact permutation variance of the linearized statistic', () => {
    // Pooled mean 0, u = (1, 1, -1, -1): T = 2 for the observed split; over the 6 relabellings T is
    // 2, 0, 0, 0, 0, -2, so Var(T) = 8 / 6 = 4 / 3, z = sqrt(3) and p = P(|Z| >= 1.7320508) = 0.0832645.
    const pSmall = permutationNormalP(readChunks([1, 1], [1, 1]), readChunks([-1, -1], [1, 1]));
    expect(pSmall).toBeCloseTo(0.0832645167, 6);

    // Unequal weights and sizes: Var(T) by enumerating all C(8, 3) = 56 relabellings.
    const a = { scores: [0.7, -0.2, 0.4], relevances: [0.9, 0.3, 0.6] };
    const b = { scores: [-0.5, 0.1, -0.8, 0.3, -0.1], relevances: [1, 0.5, 0.8, 0.4, 0.7] };
    const scores = [...a.scores, ...b.scores];
    const relevances = [...a.relevances, ...b.relevances];
    const pooled = scores.reduce((n, s, i) => n + s * relevances[i]!, 0) / relevances.reduce((n, r) => n + r, 0);
    const u = scores.map((s, i) => relevances[i]! * (s - pooled));
    const totals: number[] = [];
    for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) for (let k = j + 1; k < 8; k++) totals.push(u[i]! + u[j]! + u[k]!);
    expect(totals).toHaveLength(56);
    const meanT = totals.reduce((n, t) => n + t, 0) / totals.length;
    const varT = totals.reduce((n, t) => n + (t - meanT) ** 2, 0) / totals.length;
    const observed = u[0]! + u[1]! + u[2]!;
    const expected = twoSidedNormalP(observed / Math.sqrt(varT));
    expect(expected).toBeGreaterThan(0.01);
    expect(expected).toBeLessThan(0.5);
    expect(permutationNormalP(readChunks(a.scores, a.relevances), readChunks(b.scores, b.relevances))).toBeCloseTo(expected, 10);
  });

  it('the normal interval agrees with the bootstrap interval on a large group', () => {
    const g = synthetic(500, -0.2, 3);
    const boot = bootstrapPositionCI(g.scores, g.relevances, { seed: 1, iterations: 2000 })!;
    const chunks = readChunks(g.scores, g.relevances);
    const position = g.scores.reduce((n, s, i) => n + s * g.relevances[i]!, 0) / g.relevances.reduce((n, r) => n + r, 0);
    const normal = normalInterval(position, linearizedStandardError(chunks)!, 0.95);
    const width = boot[1] - boot[0];
    // A 90% normal interval would sit 8% of the width inside each end (1 - 1.645 / 1.960 = 0.16 of
    // the width in all); the bootstrap ends wander 1-2% of the width at 2000 replicates.
    expect(Math.abs(normal[0] - boot[0])).toBeLessThan(0.035 * width);
    expect(Math.abs(normal[1] - boot[1])).toBeLessThan(0.035 * width);
  });

  it('the normal permutation p-value agrees with the Monte Carlo permutation test', () => {
    // Groups of 150 with p-values away from 0 and 1 (about 0.46 and 0.31), where halving or
    // doubling the variance would move p by 0.1 or more; Monte Carlo error at 2000 relabellings is about 0.01.
    // (Small enough to run instrumented under Stryker; the exact-variance test above pins the formula.)
    for (const [shift, seed] of [[0.02, 5], [0.03, 9]] as const) {
      const a = synthetic(150, 0, seed);
      const b = synthetic(150, shift, seed + 100);
      const mc = compareGroups(a, b, { seed: 1, permutations: 2000, iterations: 1 });
      if (mc.status !== 'ok') throw new Error('expected ok');
      expect(mc.pValue).toBeGreaterThan(0.05);
      expect(Math.abs(permutationNormalP(readChunks(a.scores, a.relevances), readChunks(b.scores, b.relevances))! - mc.pValue)).toBeLessThan(0.03);
    }
  });
});

describe('compareManyGroups', () => {
  const small = synthetic(40, -0.3, 11);
  const big = synthetic(6000, 0.2, 12);

  it('bootstraps within the budget and switches to the normal equivalents beyond it, saying so', () => {
    const r = compareManyGroups(
      [
        { key: 'small', ...small },
        { key: 'big', ...big },
        { key: 'tiny', scores: [0.5, 0.4], relevances: [0.9, 0.9] },
      ],
      { seed: 3, iterations: 500, relevanceThreshold: 0.5, bootstrapBudget: 500 * 100, permutationBudget: 500 * 100 },
    );
    expect(r.groups.map((g) => [g.key, g.ciMethod])).toEqual([['small', 'bootstrap'], ['big', 'normal'], ['tiny', null]]);
    const [sb, stiny, btiny] = r.pairs;
    expect(sb).toMatchObject({ a: 'small', b: 'big', status: 'ok', ciMethod: 'normal', pMethod: 'normal' });
    expect(stiny?.status).toBe('too_few_relevant_chunks');
    expect(btiny?.status).toBe('too_few_relevant_chunks');
    for (const g of r.groups.filter((x) => x.ci)) {
      expect(g.ci![0]).toBeLessThanOrEqual(g.position!);
      expect(g.ci![1]).toBeGreaterThanOrEqual(g.position!);
    }
  });

  it('gives normal intervals at 95% by default and at the level asked for, from hand-computed standard errors', () => {
    // Delta-method standard error written out: sqrt(sum((r (s - R))^2)) / sum(r).
    const byHand = (g: { scores: number[]; relevances: number[] }) => {
      const w = g.relevances.reduce((n, r) => n + r, 0);
      const position = g.scores.reduce((n, s, i) => n + s * g.relevances[i]!, 0) / w;
      const se = Math.sqrt(g.scores.reduce((n, s, i) => n + (g.relevances[i]! * (s - position)) ** 2, 0)) / w;
      return { position, se };
    };
    const other = synthetic(5000, -0.1, 13);
    const groups = [{ key: 'big', ...big }, { key: 'other', ...other }];
    const noBudget = { seed: 3, iterations: 100, relevanceThreshold: 0.5, bootstrapBudget: 0, permutationBudget: 0 };
    const hb = byHand(big);
    const ho = byHand(other);
    for (const [level, z] of [[undefined, 1.959963985], [0.9, 1.644853627]] as const) {
      const r = compareManyGroups(groups, level === undefined ? noBudget : { ...noBudget, level });
      const g = r.groups[0]!;
      expect(g.ciMethod).toBe('normal');
      expect(g.se).toBeCloseTo(hb.se, 12);
      expect(g.ci![0]).toBeCloseTo(hb.position - z * hb.se, 8);
      expect(g.ci![1]).toBeCloseTo(hb.position + z * hb.se, 8);
      const pair = r.pairs[0]!;
      if (pair.status !== 'ok') throw new Error(pair.status);
      const seDiff = Math.sqrt(hb.se ** 2 + ho.se ** 2);
      expect(pair.ciMethod).toBe('normal');
      expect(pair.diff).toBeCloseTo(hb.position - ho.position, 12);
      expect(pair.ci[0]).toBeCloseTo(pair.diff - z * seDiff, 8);
      expect(pair.ci[1]).toBeCloseTo(pair.diff + z * seDiff, 8);
    }
  });

  it('gives a group the same interval whatever other groups are in the query', () => {
    const opts = { seed: 9, iterations: 300, relevanceThreshold: 0.5 };
    const alone = compareManyGroups([{ key: 'small', ...small }], opts).groups[0]!.ci;
    const withOthers = compareManyGroups([{ key: 'other', ...synthetic(30, 0.4, 2) }, { key: 'small', ...small }], opts).groups[1]!.ci;
    expect(withOthers).toEqual(alone);
  });

  it('omits pairs when asked', () => {
    expect(compareManyGroups([{ key: 'a', ...small }, { key: 'b', ...small }], { seed: 1, iterations: 100, relevanceThreshold: 0.5, skipPairs: true }).pairs).toEqual([]);
  });
});
