import { describe, expect, it } from 'vitest';
import { bootstrapDifferenceCI, compareGroups, permutationPValue } from '../../pipeline/stats/difference.ts';
import { readChunks, StatsInputError } from '../../pipeline/stats/input.ts';
import { linearizedStandardError, permutationNormalP } from '../../pipeline/stats/large-sample.ts';
import { erfc, normalQuantile, twoSidedNormalP } from '../../pipeline/stats/normal.ts';
import { bootstrapPositionCI, weightedPosition } from '../../pipeline/stats/position.ts';
import { percentileInterval, quantileSorted } from '../../pipeline/stats/quantile.ts';
import { countRelevant } from '../../pipeline/stats/relevance.ts';
import { labelDistribution } from '../../pipeline/stats/labels.ts';

// Edges of the statistical helpers: branches the larger tests never reach, each with a value
// from tables or worked by hand.

describe('normal distribution edges', () => {
  it('erfc of a negative argument is 2 - erfc(|x|) (tabulated erfc(-1) = 1.8427008)', () => {
    expect(erfc(-1)).toBeCloseTo(1.842700793, 6);
    expect(erfc(1)).toBeCloseTo(0.157299207, 6);
    expect(erfc(0.5)).toBeCloseTo(0.479500122, 6);
  });

  it('caps the two-sided p at 1 (the approximation of erfc(0) is a hair above 1)', () => {
    expect(twoSidedNormalP(0)).toBe(1);
    expect(twoSidedNormalP(-1.959964)).toBeCloseTo(0.05, 5);
  });

  it('gives upper-tail and central quantiles from tables, and refuses p outside (0, 1)', () => {
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306, 6);
    expect(normalQuantile(0.9)).toBeCloseTo(1.281551566, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 6);
    for (const p of [0, 1, Number.NaN]) expect(() => normalQuantile(p)).toThrow(`normal quantile needs p in (0, 1), got ${p}`);
  });
});

describe('quantiles', () => {
  it('interpolates linearly between order statistics (type 7) and reaches both ends', () => {
    const xs = [1, 2, 4];
    expect(quantileSorted(xs, 0)).toBe(1);
    expect(quantileSorted(xs, 1)).toBe(4);
    expect(quantileSorted(xs, 0.5)).toBe(2);
    expect(quantileSorted(xs, 0.75)).toBe(3); // h = 1.5: halfway from 2 to 4
    expect(quantileSorted([5], 0.3)).toBe(5);
  });

  it('refuses no values and p outside [0, 1]', () => {
    expect(() => quantileSorted([], 0.5)).toThrow(new StatsInputError('quantile of no values'));
    expect(() => quantileSorted([1], 1.5)).toThrow('quantile p must be in [0, 1], got 1.5');
    expect(() => quantileSorted([1], -0.1)).toThrow('quantile p must be in [0, 1], got -0.1');
  });

  it('sorts the replicates (numerically) before taking the equal-tailed interval', () => {
    // Sorted: 1, 2, 3, 10, 20; level 0.5 takes type-7 quantiles at 0.25 (h = 1) and 0.75 (h = 3).
    expect(percentileInterval(Float64Array.from([20, 3, 1, 10, 2]), 0.5)).toEqual([2, 10]);
  });
});

describe('large-sample edges', () => {
  it('weights the linearized standard error by relevance', () => {
    // scores 1, 0; relevances 1, 0.5: R = 2/3, u = (1/3, -1/3), se = sqrt(2/9) / 1.5.
    expect(linearizedStandardError(readChunks([1, 0], [1, 0.5]))).toBeCloseTo(Math.sqrt(2 / 9) / 1.5, 12);
  });

  it('handles three chunks, and is null below three or without weight, 1 without spread', () => {
    // a = {1}, b = {-1, -1}: R = -1/3, u = (4/3, -2/3, -2/3), T = 4/3, Var(T) = (1 * 2 / (3 * 2)) * 24/9 = 8/9,
    // z = sqrt(2) and p = erfc(1) = 0.1572992.
    expect(permutationNormalP(readChunks([1], [1]), readChunks([-1, -1], [1, 1]))).toBeCloseTo(0.157299207, 6);
    expect(permutationNormalP(readChunks([1], [1]), readChunks([-1], [1]))).toBeNull();
    expect(permutationNormalP(readChunks([1, 0.5], [0, 0]), readChunks([-1], [0]))).toBeNull();
    expect(permutationNormalP(readChunks([0.5, 0.5], [1, 0.4]), readChunks([0.5], [0.7]))).toBe(1);
  });
});

describe('input checks name the input and the value', () => {
  const g = { scores: [0.1, 0.2, 0.3], relevances: [1, 1, 1] };

  it('names the group and the index of a bad score or relevance', () => {
    expect(() => weightedPosition([0.1], [])).toThrow('group has 1 scores but 0 relevances');
    expect(() => compareGroups({ scores: [2], relevances: [1] }, g, { seed: 1 })).toThrow('group a score[0] is 2, not in [-1, 1]');
    expect(() => compareGroups(g, { scores: [0, 0], relevances: [1, -0.5] }, { seed: 1 })).toThrow('group b relevance[1] is -0.5, not in [0, 1]');
    expect(() => permutationPValue(g, { scores: [1], relevances: [] }, { seed: 1 })).toThrow('group b has 1 scores but 0 relevances');
  });

  it('names the option and its value', () => {
    expect(() => compareGroups(g, g, { seed: 1, permutations: 0 })).toThrow('permutations must be a whole number >= 1, got 0');
    expect(() => permutationPValue(g, g, { seed: 1, permutations: 1.5 })).toThrow('permutations must be a whole number >= 1, got 1.5');
    expect(() => compareGroups(g, g, { seed: 1, iterations: -1 })).toThrow('iterations must be a whole number >= 1, got -1');
    expect(() => compareGroups(g, g, { seed: 1, level: 0 })).toThrow('level must be in (0, 1), got 0');
    expect(() => compareGroups(g, g, { seed: 1, minRelevant: 0 })).toThrow('minRelevant must be a whole number >= 1, got 0');
    expect(() => bootstrapPositionCI(g.scores, g.relevances, { seed: 1, minRelevant: 2.5 })).toThrow('minRelevant must be a whole number >= 1, got 2.5');
    expect(() => compareGroups(g, g, { seed: 1, relevanceThreshold: 1.1 })).toThrow('relevance threshold must be in (0, 1], got 1.1');
    expect(() => countRelevant([0.5], 0)).toThrow('relevance threshold must be in (0, 1], got 0');
    expect(() => bootstrapDifferenceCI(g, g, { seed: 1, level: 1 })).toThrow(StatsInputError);
  });

  it('names the group in every procedure, and checks both ends of each range', () => {
    const bad = { scores: [0.1], relevances: [] };
    expect(() => bootstrapDifferenceCI(bad, g, { seed: 1 })).toThrow('group a has 1 scores but 0 relevances');
    expect(() => bootstrapDifferenceCI(g, bad, { seed: 1 })).toThrow('group b has 1 scores but 0 relevances');
    expect(() => permutationPValue(bad, g, { seed: 1 })).toThrow('group a has 1 scores but 0 relevances');
    expect(() => weightedPosition([-1.5], [1])).toThrow('group score[0] is -1.5, not in [-1, 1]');
    expect(() => weightedPosition([0.5], [1.5])).toThrow('group relevance[0] is 1.5, not in [0, 1]');
    let caught: unknown;
    try {
      weightedPosition([2], [1]);
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).name).toBe('StatsInputError');
  });

  it('names duplicate and unknown labels with the whole order', () => {
    expect(() => labelDistribution([], ['a', 'b', 'a'])).toThrow('label order has duplicates: a, b, a');
    expect(() => labelDistribution(['c'], ['a', 'b'])).toThrow('label[0] is "c", not one of: a, b');
  });

  it('compares groups with exactly the minimum of relevant chunks', () => {
    const three = { scores: [0.1, 0.2, 0.3], relevances: [0.5, 0.5, 0.5] };
    expect(compareGroups(three, three, { seed: 1, iterations: 10, permutations: 10 }).status).toBe('ok');
  });

  it('accepts the edges of the ranges', () => {
    expect(weightedPosition([-1, 1], [0, 1])).toBe(1);
    expect(countRelevant([1, 0.99], 1)).toBe(1);
    expect(bootstrapPositionCI([0.2, 0.4, 0.6], [1, 1, 1], { seed: 1, iterations: 1, minRelevant: 3 })).not.toBeNull();
  });
});

describe('groups without weight', () => {
  const g = { scores: [0.1, 0.2, 0.3], relevances: [1, 1, 1] };
  const none = { scores: [0.5, -0.5], relevances: [0, 0] };

  it('have no interval and no p-value, whichever side they are on', () => {
    expect(bootstrapDifferenceCI(g, none, { seed: 1 })).toBeNull();
    expect(bootstrapDifferenceCI(none, g, { seed: 1 })).toBeNull();
    expect(permutationPValue(g, none, { seed: 1 })).toBeNull();
    expect(permutationPValue(none, g, { seed: 1 })).toBeNull();
  });
});
