import { checkIterations, checkLevel, readChunks } from './input.ts';
import type { ChunkArrays } from './input.ts';
import { percentileInterval } from './quantile.ts';
import { createRng } from './random.ts';
import {
  checkMinRelevant,
  checkRelevanceThreshold,
  countRelevant,
  DEFAULT_RELEVANCE_THRESHOLD,
  MIN_RELEVANT_CHUNKS,
} from './relevance.ts';
import { resampledWeightedMean } from './resample.ts';

/** Options of the position bootstrap; the seed is required so every interval is reproducible. */
export interface BootstrapOptions {
  seed: number;
  /** Bootstrap replicates; default 2000. */
  iterations?: number;
  /** Confidence level of the equal-tailed percentile interval; default 0.95. */
  level?: number;
  /** Relevance at or above which a chunk counts as relevant; default 0.5. */
  relevanceThreshold?: number;
  /** Fewest relevant chunks for an interval; default MIN_RELEVANT_CHUNKS. */
  minRelevant?: number;
}

/** sum(r_i * s_i) / sum(r_i) over typed chunks; null when the weights sum to 0. */
export function weightedMeanOf(chunks: ChunkArrays): number | null {
  let weight = 0;
  let weighted = 0;
  for (let i = 0; i < chunks.scores.length; i++) {
    const r = chunks.relevances[i] ?? 0;
    weight += r;
    weighted += r * (chunks.scores[i] ?? 0);
  }
  return weight > 0 ? weighted / weight : null;
}

/**
 * A group's position on an axis: the relevance-weighted mean of its chunk scores,
 * sum(r_i * s_i) / sum(r_i). Null when the relevances sum to 0 (no chunk, or none about the axis):
 * such a group has no position, which is not the same as a neutral 0.
 */
export function weightedPosition(scores: ArrayLike<number>, relevances: ArrayLike<number>): number | null {
  return weightedMeanOf(readChunks(scores, relevances));
}

/**
 * Percentile bootstrap interval [lo, hi] of the weighted position: resamples all chunks with
 * replacement (irrelevant ones keep their small weights, as in the point estimate) and takes the
 * type-7 quantiles (1 - level) / 2 and (1 + level) / 2 of the replicates. Each replicate takes the
 * next n draws of rng.int(n) from createRng(seed) (a zero-weight resample is redrawn). Null when
 * fewer than minRelevant chunks have relevance >= relevanceThreshold.
 */
export function bootstrapPositionCI(
  scores: ArrayLike<number>,
  relevances: ArrayLike<number>,
  options: BootstrapOptions,
): [number, number] | null {
  const iterations = checkIterations(options.iterations ?? 2000);
  const level = checkLevel(options.level ?? 0.95);
  const threshold = checkRelevanceThreshold(options.relevanceThreshold ?? DEFAULT_RELEVANCE_THRESHOLD);
  const minRelevant = checkMinRelevant(options.minRelevant ?? MIN_RELEVANT_CHUNKS);
  const chunks = readChunks(scores, relevances);
  if (countRelevant(chunks.relevances, threshold) < minRelevant) return null;
  const rng = createRng(options.seed);
  const replicates = new Float64Array(iterations);
  for (let k = 0; k < iterations; k++) replicates[k] = resampledWeightedMean(chunks, rng);
  return percentileInterval(replicates, level);
}
