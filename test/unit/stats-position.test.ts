import { describe, expect, it } from 'vitest';
import { StatsInputError } from '../../pipeline/stats/input.ts';
import { bootstrapPositionCI, weightedPosition } from '../../pipeline/stats/position.ts';
import { createRng } from '../../pipeline/stats/random.ts';
import { countRelevant, MIN_RELEVANT_CHUNKS } from '../../pipeline/stats/relevance.ts';

/** Deterministic synthetic chunks: scores around `centre`, relevances in [0.3, 1]. */
function synthetic(n: number, centre: number, seed: number): { scores: number[]; relevances: number[] } {
  const rng = createRng(seed);
  const scores = Array.from({ length: n }, () => Math.max(-1, Math.min(1, centre + (rng.next() - 0.5) * 1.2)));
  const relevances = Array.from({ length: n }, () => 0.3 + 0.7 * rng.next());
  return { scores, relevances };
}

/** Type-7 quantile written out independently of the module. */
function quantile7(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

/** The bootstrap done by brute force from the documented PRNG stream, with plain arrays. */
function bruteForceCI(scores: number[], relevances: number[], seed: number, iterations: number, level: number): [number, number] {
  const rng = createRng(seed);
  const n = scores.length;
  const replicates: number[] = [];
  while (replicates.length < iterations) {
    const idx = Array.from({ length: n }, () => rng.int(n));
    const w = idx.reduce((acc, i) => acc + (relevances[i] as number), 0);
    if (w === 0) continue;
    replicates.push(idx.reduce((acc, i) => acc + (relevances[i] as number) * (scores[i] as number), 0) / w);
  }
  replicates.sort((a, b) => a - b);
  return [quantile7(replicates, (1 - level) / 2), quantile7(replicates, (1 + level) / 2)];
}

describe('weightedPosition', () => {
  it('matches a hand computation', () => {
    // (1 * -1 + 0.5 * 0.5 + 0.25 * 1) / (1 + 0.5 + 0.25) = -0.5 / 1.75.
    expect(weightedPosition([-1, 0.5, 1], [1, 0.5, 0.25])).toBeCloseTo(-0.5 / 1.75, 14);
    expect(weightedPosition(new Float64Array([0.2, 0.4]), new Float64Array([1, 1]))).toBeCloseTo(0.3, 14);
  });

  it('ignores chunks of relevance 0', () => {
    expect(weightedPosition([1, -1], [0, 0.7])).toBe(-1);
  });

  it('is null when the weights sum to 0', () => {
    expect(weightedPosition([], [])).toBeNull();
    expect(weightedPosition([0.5, -0.5], [0, 0])).toBeNull();
  });

  it('rejects mismatched or out-of-range input', () => {
    expect(() => weightedPosition([0.1], [])).toThrow('1 scores but 0 relevances');
    expect(() => weightedPosition([1.5], [1])).toThrow('score[0] is 1.5');
    expect(() => weightedPosition([0], [Number.NaN])).toThrow(StatsInputError);
  });
});

describe('bootstrapPositionCI', () => {
  const { scores, relevances } = synthetic(60, 0.2, 11);

  it('contains the point estimate', () => {
    const point = weightedPosition(scores, relevances) as number;
    const ci = bootstrapPositionCI(scores, relevances, { seed: 1 });
    expect(ci).not.toBeNull();
    const [lo, hi] = ci as [number, number];
    expect(lo).toBeLessThan(point);
    expect(hi).toBeGreaterThan(point);
  });

  it('is identical for the same seed and differs for another', () => {
    const a = bootstrapPositionCI(scores, relevances, { seed: 5 });
    expect(bootstrapPositionCI(scores, relevances, { seed: 5 })).toEqual(a);
    expect(bootstrapPositionCI(scores, relevances, { seed: 6 })).not.toEqual(a);
  });

  it('equals a brute-force percentile interval from the same PRNG stream', () => {
    for (const [seed, level, iterations] of [[3, 0.95, 2000], [4, 0.8, 501]] as const) {
      const ci = bootstrapPositionCI(scores, relevances, { seed, level, iterations }) as [number, number];
      const brute = bruteForceCI(scores, relevances, seed, iterations, level);
      expect(ci[0]).toBeCloseTo(brute[0], 12);
      expect(ci[1]).toBeCloseTo(brute[1], 12);
    }
  });

  it('matches brute force when zero-weight resamples must be redrawn', () => {
    // Only 3 of 15 chunks carry weight, all with scores in [0.5, 0.9]: a resample draws none of them
    // with probability (12/15)^15 = 3.5%, more than the 2.5% tail. Redrawn, every replicate is a
    // weighted mean of 0.5, 0.7 and 0.9, so the interval stays inside [0.5, 0.9]; a zero-weight
    // resample scored as anything else (say 0) would pull the lower bound out of that range.
    const s = [0.9, 0.5, 0.7, ...Array<number>(12).fill(0)];
    const r = [1, 0.8, 0.6, ...Array<number>(12).fill(0)];
    expect((12 / 15) ** 15).toBeGreaterThan(0.025);
    const ci = bootstrapPositionCI(s, r, { seed: 8, iterations: 2000 }) as [number, number];
    expect(ci[0]).toBeGreaterThanOrEqual(0.5);
    expect(ci[1]).toBeLessThanOrEqual(0.9);
    const brute = bruteForceCI(s, r, 8, 2000, 0.95);
    expect(ci[0]).toBeCloseTo(brute[0], 12);
    expect(ci[1]).toBeCloseTo(brute[1], 12);
  });

  it('shrinks about by half when the data are repeated 4 times', () => {
    const [lo1, hi1] = bootstrapPositionCI(scores, relevances, { seed: 2 }) as [number, number];
    const rep = (xs: number[]) => [...xs, ...xs, ...xs, ...xs];
    const [lo4, hi4] = bootstrapPositionCI(rep(scores), rep(relevances), { seed: 2 }) as [number, number];
    const ratio = (hi4 - lo4) / (hi1 - lo1);
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(0.6);
  });

  it('widens with the confidence level', () => {
    const [lo80, hi80] = bootstrapPositionCI(scores, relevances, { seed: 2, level: 0.8 }) as [number, number];
    const [lo99, hi99] = bootstrapPositionCI(scores, relevances, { seed: 2, level: 0.99 }) as [number, number];
    expect(hi99 - lo99).toBeGreaterThan(hi80 - lo80);
  });

  it('is null with too few relevant chunks', () => {
    // Two chunks at or above the 0.5 threshold; the 0.49 ones do not count.
    const s = [0.5, -0.2, 0.3, 0.1];
    const r = [0.9, 0.5, 0.49, 0.49];
    expect(countRelevant(r)).toBe(2);
    expect(MIN_RELEVANT_CHUNKS).toBe(3);
    expect(bootstrapPositionCI(s, r, { seed: 1 })).toBeNull();
    expect(bootstrapPositionCI(s, r, { seed: 1, relevanceThreshold: 0.4 })).not.toBeNull();
    expect(bootstrapPositionCI(s, r, { seed: 1, minRelevant: 2 })).not.toBeNull();
    expect(bootstrapPositionCI([], [], { seed: 1 })).toBeNull();
  });

  it('rejects bad options', () => {
    expect(() => bootstrapPositionCI(scores, relevances, { seed: 1, level: 1 })).toThrow('level must be in (0, 1)');
    expect(() => bootstrapPositionCI(scores, relevances, { seed: 1, iterations: 0 })).toThrow('iterations must be');
    expect(() => bootstrapPositionCI(scores, relevances, { seed: 1, relevanceThreshold: 0 })).toThrow('relevance threshold');
  });
});
