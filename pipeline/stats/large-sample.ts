import type { ChunkArrays } from './input.ts';
import { normalQuantile, twoSidedNormalP } from './normal.ts';
import { weightedMeanOf } from './position.ts';

/**
 * Standard error of a weighted mean sum(r*s)/sum(r) by linearization (the delta method):
 * sqrt(sum((r_i (s_i - R))^2)) / sum(r_i). It is the variance the chunk bootstrap converges to as
 * a group grows, which is why it can stand in for the bootstrap on large groups.
 */
export function linearizedStandardError(chunks: ChunkArrays): number | null {
  const position = weightedMeanOf(chunks);
  if (position === null) return null;
  let weight = 0;
  let squares = 0;
  for (let i = 0; i < chunks.scores.length; i++) {
    const r = chunks.relevances[i] ?? 0;
    weight += r;
    squares += (r * ((chunks.scores[i] ?? 0) - position)) ** 2;
  }
  return Math.sqrt(squares) / weight;
}

/** Normal interval center +- z * se at a confidence level, clipped to the score range [-1, 1]. */
export function normalInterval(center: number, se: number, level: number, range: [number, number] = [-1, 1]): [number, number] {
  const z = normalQuantile((1 + level) / 2);
  return [Math.max(range[0], center - z * se), Math.min(range[1], center + z * se)];
}

/**
 * Large-sample approximation of the two-sided permutation p-value for position(a) = position(b).
 * Linearized around the pooled mean R, the difference is proportional to T = sum over a of
 * u_i = r_i (s_i - R); under random relabelling T has mean 0 and variance
 * nA nB / (N (N - 1)) * sum(u_i^2) (sampling without replacement), so z = T / sd(T).
 */
export function permutationNormalP(a: ChunkArrays, b: ChunkArrays): number | null {
  const nA = a.scores.length;
  const n = nA + b.scores.length;
  let weight = 0;
  let weighted = 0;
  for (const g of [a, b]) {
    for (let i = 0; i < g.scores.length; i++) {
      weight += g.relevances[i] ?? 0;
      weighted += (g.relevances[i] ?? 0) * (g.scores[i] ?? 0);
    }
  }
  if (weight <= 0 || n < 3) return null;
  const pooled = weighted / weight;
  let t = 0;
  let squares = 0;
  for (const [g, inA] of [[a, true], [b, false]] as const) {
    for (let i = 0; i < g.scores.length; i++) {
      const u = (g.relevances[i] ?? 0) * ((g.scores[i] ?? 0) - pooled);
      squares += u * u;
      if (inA) t += u;
    }
  }
  const variance = ((nA * (n - nA)) / (n * (n - 1))) * squares;
  if (variance <= 0) return 1;
  return twoSidedNormalP(t / Math.sqrt(variance));
}
