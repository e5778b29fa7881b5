import { describe, expect, it } from 'vitest';
import {
  bootstrapDifferenceCI,
  compareGroups,
  MIN_RELEVANT_CHUNKS,
  permutationPValue,
} from '../../pipeline/stats/difference.ts';
import type { GroupChunks } from '../../pipeline/stats/difference.ts';
import { createRng } from '../../pipeline/stats/random.ts';

/** Deterministic synthetic group: scores around `centre` (spread 0.6), relevances in [0.5, 1]. */
function group(n: number, centre: number, seed: number): { scores: number[]; relevances: number[] } {
  const rng = createRng(seed);
  const scores = Array.from({ length: n }, () => Math.max(-1, Math.min(1, centre + (rng.next() - 0.5) * 0.6)));
  const relevances = Array.from({ length: n }, () => 0.5 + 0.5 * rng.next());
  return { scores, relevances };
}

/** Weighted mean by hand, over plain arrays. */
function mean(scores: readonly number[], relevances: readonly number[], idx: readonly number[]): number {
  let w = 0;
  let ws = 0;
  for (const i of idx) {
    w += relevances[i] as number;
    ws += (relevances[i] as number) * (scores[i] as number);
  }
  return ws / w;
}

/** All k-subsets of 0..n-1. */
function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsets(n - 1, k - 1).map((s) => [...s, n - 1]), ...subsets(n - 1, k)];
}

describe('compareGroups', () => {
  const a = group(30, -0.3, 1);
  const b = group(25, 0.4, 2);

  it('reports position(a) - position(b) with positions computed by hand', () => {
    const r = compareGroups(a, b, { seed: 1, iterations: 200, permutations: 200 });
    if (r.status !== 'ok') throw new Error(r.status);
    const pa = mean(a.scores, a.relevances, a.scores.map((_, i) => i));
    const pb = mean(b.scores, b.relevances, b.scores.map((_, i) => i));
    expect(r.positionA).toBeCloseTo(pa, 12);
    expect(r.positionB).toBeCloseTo(pb, 12);
    expect(r.difference).toBeCloseTo(pa - pb, 12);
    expect(r.difference).toBeLessThan(0);
    expect(r.nRelevant).toEqual({ a: 30, b: 25 });
  });

  it('gives an interval containing the difference and a tiny p-value for well-separated groups', () => {
    const r = compareGroups(a, b, { seed: 4 });
    if (r.status !== 'ok') throw new Error(r.status);
    expect(r.ci[0]).toBeLessThan(r.difference);
    expect(r.ci[1]).toBeGreaterThan(r.difference);
    expect(r.ci[1]).toBeLessThan(0);
    expect(r.pValue).toBeLessThan(0.01);
    // No relabelling is as extreme, so p is the +1-corrected floor.
    expect(r.pValue).toBe(1 / 2001);
  });

  it('gives p = 1 for identical groups', () => {
    const r = compareGroups(a, a, { seed: 4, iterations: 100, permutations: 500 });
    if (r.status !== 'ok') throw new Error(r.status);
    expect(r.difference).toBe(0);
    expect(r.pValue).toBe(1);
  });

  it('is exactly reproducible for a seed and varies with the seed', () => {
    const c = group(15, 0, 3);
    const d = group(15, 0.05, 4);
    const first = compareGroups(c, d, { seed: 9, iterations: 300, permutations: 300 });
    expect(compareGroups(c, d, { seed: 9, iterations: 300, permutations: 300 })).toEqual(first);
    const other = compareGroups(c, d, { seed: 10, iterations: 300, permutations: 300 });
    if (first.status !== 'ok' || other.status !== 'ok') throw new Error('expected ok');
    expect(other.ci).not.toEqual(first.ci);
    expect(other.pValue).not.toBe(first.pValue);
  });

  it('returns too_few_relevant_chunks below the minimum in either group', () => {
    // b has 2 chunks at relevance >= 0.5; its 0.3 chunks do not count.
    const few: GroupChunks = { scores: [0.8, 0.6, 0.1, 0.2], relevances: [0.9, 0.5, 0.3, 0.3] };
    expect(MIN_RELEVANT_CHUNKS).toBe(3);
    expect(compareGroups(a, few, { seed: 1 })).toEqual({
      status: 'too_few_relevant_chunks',
      nRelevant: { a: 30, b: 2 },
      minRelevant: 3,
      relevanceThreshold: 0.5,
    });
    expect(compareGroups(few, a, { seed: 1 }).status).toBe('too_few_relevant_chunks');
    expect(compareGroups(a, few, { seed: 1, relevanceThreshold: 0.3, iterations: 50, permutations: 50 }).status).toBe('ok');
    expect(compareGroups(a, { scores: [], relevances: [] }, { seed: 1 }).status).toBe('too_few_relevant_chunks');
  });
});

describe('bootstrapDifferenceCI', () => {
  it('equals a brute-force interval resampling each group from the same PRNG stream', () => {
    const a = group(12, -0.2, 7);
    const b = group(9, 0.3, 8);
    const iterations = 999;
    const rng = createRng(21);
    const resampleMean = (g: { scores: number[]; relevances: number[] }): number => {
      const idx = g.scores.map(() => rng.int(g.scores.length));
      return mean(g.scores, g.relevances, idx);
    };
    const reps: number[] = [];
    for (let k = 0; k < iterations; k++) {
      const ma = resampleMean(a);
      reps.push(ma - resampleMean(b));
    }
    reps.sort((x, y) => x - y);
    // Type-7 quantiles at 0.025 and 0.975 of 999 values: positions 24.95 and 973.05 (0-based).
    const q = (h: number) => (reps[Math.floor(h)] as number) + (h - Math.floor(h)) * ((reps[Math.floor(h) + 1] as number) - (reps[Math.floor(h)] as number));
    const ci = bootstrapDifferenceCI(a, b, { seed: 21, iterations }) as [number, number];
    expect(ci[0]).toBeCloseTo(q(998 * 0.025), 12);
    expect(ci[1]).toBeCloseTo(q(998 * 0.975), 12);
  });

  it('is null when a group has no weight', () => {
    expect(bootstrapDifferenceCI({ scores: [1], relevances: [0] }, group(5, 0, 1), { seed: 1 })).toBeNull();
  });
});

describe('permutationPValue', () => {
  it('approaches the exact permutation p-value from full enumeration', () => {
    const a = { scores: [-0.6, -0.2, 0.1, -0.4], relevances: [1, 0.6, 0.8, 0.5] };
    const b = { scores: [0.3, 0.5, -0.1, 0.7], relevances: [0.9, 0.7, 1, 0.6] };
    const scores = [...a.scores, ...b.scores];
    const relevances = [...a.relevances, ...b.relevances];
    const all = scores.map((_, i) => i);
    const diff = (left: number[]) => mean(scores, relevances, left) - mean(scores, relevances, all.filter((i) => !left.includes(i)));
    const observed = Math.abs(diff([0, 1, 2, 3]));
    const splits = subsets(8, 4);
    expect(splits).toHaveLength(70);
    const exact = splits.filter((s) => Math.abs(diff(s)) >= observed - 1e-12).length / splits.length;
    const p = permutationPValue(a, b, { seed: 3, permutations: 20_000 }) as number;
    expect(Math.abs(p - exact)).toBeLessThan(0.01);
    expect(permutationPValue(a, b, { seed: 3, permutations: 20_000 })).toBe(p);
  });

  it('is a multiple of 1 / (1 + permutations) with the +1 correction', () => {
    const p = permutationPValue(group(6, 0, 1), group(6, 0.1, 2), { seed: 2, permutations: 99 }) as number;
    expect(p).toBeGreaterThanOrEqual(1 / 100);
    expect(Math.round(p * 100)).toBeCloseTo(p * 100, 9);
  });

  it('redraws relabellings that leave a side without weight, converging to the exact p over weighted splits', () => {
    // Only 3 weighted chunks in 10: 42 of the 252 splits leave a side without weight. A redrawn
    // relabelling is conditioned away, so p converges to the share of extreme splits among the 210
    // weighted ones (enumerated here: 2/3), not among all 252 (5/9 if a zero-weight split counted as
    // not extreme, 13/18 if it counted as extreme).
    const a = { scores: [0.9, 0, 0, 0, 0], relevances: [1, 0, 0, 0, 0] };
    const b = { scores: [-0.9, 0.8, 0, 0, 0], relevances: [1, 1, 0, 0, 0] };
    const scores = [...a.scores, ...b.scores];
    const relevances = [...a.relevances, ...b.relevances];
    const all = scores.map((_, i) => i);
    const weightOf = (idx: number[]) => idx.reduce((w, i) => w + (relevances[i] as number), 0);
    const rest = (left: number[]) => all.filter((i) => !left.includes(i));
    const diff = (left: number[]) => mean(scores, relevances, left) - mean(scores, relevances, rest(left));
    const observed = Math.abs(diff([0, 1, 2, 3, 4]));
    const weighted = subsets(10, 5).filter((s) => weightOf(s) > 0 && weightOf(rest(s)) > 0);
    expect(weighted).toHaveLength(210);
    const exact = weighted.filter((s) => Math.abs(diff(s)) >= observed - 1e-12).length / weighted.length;
    expect(exact).toBeCloseTo(2 / 3, 12);
    // Monte Carlo standard error at 20 000 relabellings is about 0.0033; the wrong answers are 0.11 and 0.06 away.
    const p = permutationPValue(a, b, { seed: 5, permutations: 20_000 }) as number;
    expect(Math.abs(p - exact)).toBeLessThan(0.015);
  });
});
