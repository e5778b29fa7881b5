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

  it('the normal interval agrees with the bootstrap interval on a large group', () => {
    const g = synthetic(8000, -0.2, 3);
    const boot = bootstrapPositionCI(g.scores, g.relevances, { seed: 1, iterations: 2000 })!;
    const chunks = readChunks(g.scores, g.relevances);
    const position = g.scores.reduce((n, s, i) => n + s * g.relevances[i]!, 0) / g.relevances.reduce((n, r) => n + r, 0);
    const normal = normalInterval(position, linearizedStandardError(chunks)!, 0.95);
    const width = boot[1] - boot[0];
    expect(Math.abs(normal[0] - boot[0])).toBeLessThan(0.1 * width);
    expect(Math.abs(normal[1] - boot[1])).toBeLessThan(0.1 * width);
  });

  it('the normal permutation p-value agrees with the Monte Carlo permutation test', () => {
    for (const [shift, seed] of [[0.02, 5], [0.05, 6], [0, 7]] as const) {
      const a = synthetic(1500, 0, seed);
      const b = synthetic(1500, shift, seed + 100);
      const mc = compareGroups(a, b, { seed: 1, permutations: 4000, iterations: 100 });
      if (mc.status !== 'ok') throw new Error('expected ok');
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
