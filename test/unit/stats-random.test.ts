import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, seedToUint32 } from '../../pipeline/stats/random.ts';

/** The first k floats of a stream. */
function take(seed: number, k: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: k }, () => rng.next());
}

describe('createRng', () => {
  it('is reproducible from a seed and differs between seeds', () => {
    expect(take(42, 20)).toEqual(take(42, 20));
    expect(take(42, 20)).not.toEqual(take(43, 20));
    expect(take(0, 5)).not.toEqual(take(2 ** 32, 5));
  });

  it('returns floats in [0, 1) with a mean near 1/2', () => {
    const xs = take(7, 100_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });

  it('returns ints in [0, n) spread evenly over the values', () => {
    const rng = createRng(3);
    const counts = new Array<number>(10).fill(0);
    let whole = true;
    for (let i = 0; i < 100_000; i++) {
      const k = rng.int(10);
      whole &&= Number.isInteger(k);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(whole).toBe(true);
    expect(counts.length).toBe(10);
    for (const c of counts) {
      expect(c).toBeGreaterThan(9_500);
      expect(c).toBeLessThan(10_500);
    }
    expect(createRng(1).int(1)).toBe(0);
  });

  it('rejects bad seeds and ranges', () => {
    expect(() => createRng(1.5)).toThrow('seed must be a safe integer');
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRng(1).int(0)).toThrow('n must be a whole number');
    expect(() => createRng(1).int(2.5)).toThrow(RangeError);
  });
});

describe('reference values', () => {
  // Computed with an independent Python transcription of the published mulberry32 and of
  // murmur3's fmix32, not by running this module.
  it('gives the mulberry32 stream of a seed', () => {
    expect(take(42, 3)).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    const rng = createRng(3);
    expect(Array.from({ length: 5 }, () => rng.int(10))).toEqual([7, 0, 4, 0, 7]);
  });

  it('folds high bits into the 32-bit seed and derives sub-streams with fmix32', () => {
    expect(seedToUint32(-1)).toBe(2654435760);
    expect(seedToUint32(2 ** 40 + 3)).toBe(930722051);
    expect(seedToUint32(-(2 ** 40))).toBe(3364245248);
    expect(seedToUint32(2 ** 32)).toBe(2654435761);
    expect(take(-1, 2)).toEqual([0.5117232985794544, 0.19766752934083343]);
    expect([deriveSeed(9, 0), deriveSeed(9, 1), deriveSeed(2 ** 40 + 3, 7)]).toEqual([2980047484, 1759968645, 4021434947]);
  });

  it('accepts n = 2^32 and rejects n just above it', () => {
    expect(Number.isInteger(createRng(5).int(2 ** 32))).toBe(true);
    expect(() => createRng(5).int(2 ** 32 + 1)).toThrow('n must be a whole number in [1, 2^32], got 4294967297');
  });
});

describe('seeds', () => {
  it('folds seeds into 32 bits', () => {
    expect(seedToUint32(5)).toBe(5);
    for (const seed of [-1, -(2 ** 40), 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      const folded = seedToUint32(seed);
      expect(Number.isInteger(folded) && folded >= 0 && folded < 2 ** 32).toBe(true);
    }
    expect(seedToUint32(-1)).not.toBe(seedToUint32(1));
    expect(seedToUint32(2 ** 32)).not.toBe(seedToUint32(0));
  });

  it('derives distinct, reproducible sub-stream seeds', () => {
    expect(deriveSeed(9, 0)).toBe(deriveSeed(9, 0));
    const seeds = new Set([deriveSeed(9, 0), deriveSeed(9, 1), deriveSeed(10, 0), deriveSeed(10, 1)]);
    expect(seeds.size).toBe(4);
  });
});
