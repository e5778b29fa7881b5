import { StatsInputError } from './input.ts';

/** Quantile p of ascending-sorted values by linear interpolation (Hyndman-Fan type 7, R's default). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new StatsInputError('quantile of no values');
  if (!(p >= 0 && p <= 1)) throw new StatsInputError(`quantile p must be in [0, 1], got ${p}`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo] ?? Number.NaN;
  const above = sorted[Math.min(lo + 1, sorted.length - 1)] ?? Number.NaN;
  return below + (h - lo) * (above - below);
}

/** Equal-tailed percentile interval at `level` of replicates; sorts the array in place. */
export function percentileInterval(replicates: Float64Array, level: number): [number, number] {
  replicates.sort();
  const tail = (1 - level) / 2;
  return [quantileSorted(replicates, tail), quantileSorted(replicates, 1 - tail)];
}
