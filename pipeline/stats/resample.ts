import type { ChunkArrays } from './input.ts';
import type { Rng } from './random.ts';

/**
 * Weighted mean of one bootstrap resample of the chunks (n draws of rng.int(n), in order).
 * A resample whose weights sum to 0 has no mean, so it is redrawn: the bootstrap is conditional
 * on the group saying something about the axis, as the point estimate is. The caller must
 * ensure some chunk has positive relevance, or this never returns.
 */
export function resampledWeightedMean(chunks: ChunkArrays, rng: Rng): number {
  const { scores, relevances } = chunks;
  const n = scores.length;
  for (;;) {
    let weight = 0;
    let weighted = 0;
    for (let k = 0; k < n; k++) {
      const i = rng.int(n);
      const r = relevances[i] ?? 0;
      weight += r;
      weighted += r * (scores[i] ?? 0);
    }
    if (weight > 0) return weighted / weight;
  }
}
