/** A reproducible stream of pseudo-random numbers. */
export interface Rng {
  /** A float in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** An integer in [0, n), for a whole n in [1, 2^32]. */
  int(n: number): number;
}

const TWO_POW_32 = 4294967296;

/** Folds a safe-integer seed into 32 bits, mixing in the high bits so large seeds do not collide trivially. */
export function seedToUint32(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  return ((seed >>> 0) ^ Math.imul(high, 0x9e3779b1)) >>> 0;
}

/** A 32-bit seed for an independent sub-stream, so one user seed can drive several procedures. */
export function deriveSeed(seed: number, stream: number): number {
  // murmur3's finalizer: nearby (seed, stream) pairs give unrelated mulberry32 states.
  let h = (seedToUint32(seed) ^ Math.imul((stream >>> 0) + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A mulberry32 generator: the same seed always gives the same stream. */
export function createRng(seed: number): Rng {
  let state = seedToUint32(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
  // floor(u * n) is biased by at most n / 2^32, negligible for the chunk counts resampled here.
  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`n must be a whole number in [1, 2^32], got ${n}`);
    return Math.floor(next() * n);
  };
  return { next, int };
}
