import { describe, expect, it } from 'vitest';
import { permutationPValue } from '../../pipeline/stats/difference.ts';
import { readChunks } from '../../pipeline/stats/input.ts';
import { bootstrapReplicates, compareManyGroups, groupSeed, pairSeed } from '../../pipeline/stats/group-comparison.ts';
import { linearizedStandardError, permutationNormalP } from '../../pipeline/stats/large-sample.ts';
import { bootstrapPositionCI, weightedPosition } from '../../pipeline/stats/position.ts';
import { percentileInterval } from '../../pipeline/stats/quantile.ts';
import { createRng } from '../../pipeline/stats/random.ts';

function synthetic(n: number, centre: number, seed: number) {
  const rng = createRng(seed);
  const scores = Array.from({ length: n }, () => Math.max(-1, Math.min(1, centre + (rng.next() - 0.5) * 1.2)));
  const relevances = Array.from({ length: n }, () => 0.3 + 0.7 * rng.next());
  return { scores, relevances };
}

// Budgets are in random draws: iterations x chunks per group (bootstrap), x chunks per pair (permutation).
const ITER = 50;
const a = { key: 'a', ...synthetic(20, -0.3, 1) };
const b = { key: 'b', ...synthetic(30, 0.1, 2) };
const c = { key: 'c', ...synthetic(20, 0.3, 3) };
const base = { seed: 5, iterations: ITER, relevanceThreshold: 0.5 };
const methods = (r: ReturnType<typeof compareManyGroups>) => r.groups.map((g) => [g.key, g.ciMethod]);

describe('compareManyGroups budgets', () => {
  it('spends the bootstrap budget on the smallest groups first, ties by key, a cost equal to what is left still fits', () => {
    // a and c have 20 chunks, b 30: a budget of 20 * ITER goes to a (same size as c, first by key).
    expect(methods(compareManyGroups([b, c, a], { ...base, bootstrapBudget: 20 * ITER, skipPairs: true }))).toEqual([['b', 'normal'], ['c', 'normal'], ['a', 'bootstrap']]);
    expect(methods(compareManyGroups([b, c, a], { ...base, bootstrapBudget: 20 * ITER - 1, skipPairs: true }))).toEqual([['b', 'normal'], ['c', 'normal'], ['a', 'normal']]);
    expect(methods(compareManyGroups([b, c, a], { ...base, bootstrapBudget: 40 * ITER, skipPairs: true }))).toEqual([['b', 'normal'], ['c', 'bootstrap'], ['a', 'bootstrap']]);
    expect(methods(compareManyGroups([b, c, a], { ...base, bootstrapBudget: 70 * ITER, skipPairs: true }))).toEqual([['b', 'bootstrap'], ['c', 'bootstrap'], ['a', 'bootstrap']]);
  });

  it("gives a bootstrapped group the position bootstrap from the group's own seed, at the level asked for", () => {
    for (const level of [undefined, 0.8]) {
      const r = compareManyGroups([a], { ...base, ...(level ? { level } : {}) });
      const g = r.groups[0]!;
      expect(g).toMatchObject({ key: 'a', ciMethod: 'bootstrap', nChunks: 20 });
      expect(g.position).toBeCloseTo(weightedPosition(a.scores, a.relevances)!, 12);
      expect(g.se).toBeCloseTo(linearizedStandardError(readChunks(a.scores, a.relevances))!, 12);
      expect(g.nRelevant).toBe(a.relevances.filter((x) => x >= 0.5).length);
      expect(g.ci).toEqual(bootstrapPositionCI(a.scores, a.relevances, { seed: groupSeed(5, 'a'), iterations: ITER, level: level ?? 0.95, minRelevant: 1 }));
    }
  });

  it('compares pairs by the bootstrap and the permutation test within the budgets, by the normal equivalents beyond them', () => {
    const chunksA = readChunks(a.scores, a.relevances);
    const chunksC = readChunks(c.scores, c.relevances);
    const diffs = (() => {
      const ra = bootstrapReplicates(chunksA, groupSeed(5, 'a'), ITER);
      const rc = bootstrapReplicates(chunksC, groupSeed(5, 'c'), ITER);
      return Float64Array.from(ra, (x, k) => x - rc[k]!);
    })();
    const diff = weightedPosition(a.scores, a.relevances)! - weightedPosition(c.scores, c.relevances)!;
    // Budgets that just fit: 40 * ITER draws for the two groups and for the pair.
    const fits = compareManyGroups([a, c], { ...base, bootstrapBudget: 40 * ITER, permutationBudget: 40 * ITER });
    expect(fits.pairs).toEqual([
      {
        a: 'a',
        b: 'c',
        status: 'ok',
        diff: expect.closeTo(diff, 12) as number,
        ci: percentileInterval(diffs, 0.95),
        ciMethod: 'bootstrap',
        p: permutationPValue(a, c, { seed: pairSeed(5, 'a', 'c'), permutations: ITER }),
        pMethod: 'permutation',
      },
    ]);
    const over = compareManyGroups([a, c], { ...base, bootstrapBudget: 40 * ITER - 1, permutationBudget: 40 * ITER - 1 });
    const se = Math.hypot(linearizedStandardError(chunksA)!, linearizedStandardError(chunksC)!);
    expect(over.pairs[0]).toMatchObject({ ciMethod: 'normal', pMethod: 'normal', p: permutationNormalP(chunksA, chunksC) });
    const ci = (over.pairs[0] as { ci: [number, number] }).ci;
    expect(ci[0]).toBeCloseTo(diff - 1.959963985 * se, 8);
    expect(ci[1]).toBeCloseTo(diff + 1.959963985 * se, 8);
  });

  it('spends the permutation budget on the smallest pairs first, and only on pairs that can be compared', () => {
    // Pairs in query order: (a, c) of 40 chunks, (a, b) and (c, b) of 50. A budget of 40 + 50
    // relabellings of ITER draws covers (a, c) and one pair of 50 (the first of the two, stable sort).
    const r = compareManyGroups([a, c, b], { ...base, permutationBudget: 90 * ITER });
    expect(r.pairs.map((p) => [p.a, p.b, p.status === 'ok' ? p.pMethod : null])).toEqual([['a', 'c', 'permutation'], ['a', 'b', 'permutation'], ['c', 'b', 'normal']]);
    // Order matters: the small pair is listed last but budgeted first; what is left (10 x ITER)
    // fits no pair of 50, though taken in query order a pair of 50 would have fitted first.
    const last = compareManyGroups([b, a, c], { ...base, permutationBudget: 50 * ITER });
    expect(last.pairs.map((p) => (p.status === 'ok' ? p.pMethod : null))).toEqual(['normal', 'normal', 'permutation']);
    // A group with too few relevant chunks takes no budget: the remaining pair still gets the exact test.
    const tiny = { key: 't', scores: [0.1, 0.2], relevances: [1, 1] };
    const withTiny = compareManyGroups([tiny, a, c], { ...base, permutationBudget: 40 * ITER });
    expect(withTiny.pairs.map((p) => [p.status, p.status === 'ok' ? p.pMethod : null])).toEqual([
      ['too_few_relevant_chunks', null],
      ['too_few_relevant_chunks', null],
      ['ok', 'permutation'],
    ]);
  });

  it('reports groups and pairs with too few relevant chunks, with minRelevant as given', () => {
    const r = compareManyGroups([a, b], { ...base, minRelevant: 21 });
    const nA = a.relevances.filter((x) => x >= 0.5).length;
    const nB = b.relevances.filter((x) => x >= 0.5).length;
    expect(nA).toBeLessThan(21);
    expect(nB).toBeGreaterThanOrEqual(21);
    expect(r.groups[0]).toEqual({ key: 'a', position: expect.closeTo(weightedPosition(a.scores, a.relevances)!, 12) as number, ci: null, ciMethod: null, se: null, nChunks: 20, nRelevant: nA });
    expect(r.groups[1]!.ciMethod).toBe('bootstrap');
    expect(r.pairs).toEqual([{ a: 'a', b: 'b', status: 'too_few_relevant_chunks', nRelevant: [nA, nB], minRelevant: 21 }]);
  });

  it('gives every group and pair a seed of its own', () => {
    expect(groupSeed(5, 'a')).not.toBe(groupSeed(5, 'b'));
    expect(groupSeed(5, 'a')).not.toBe(groupSeed(6, 'a'));
    expect(pairSeed(5, 'a', 'bc')).not.toBe(pairSeed(5, 'ab', 'c'));
    expect(pairSeed(5, 'a', 'b')).toBe(groupSeed(5, 'a\u0000b'));
  });
});
