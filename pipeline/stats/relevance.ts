import { StatsInputError } from './input.ts';

/** Relevance at or above which a chunk counts as being about the axis (the axes file's default too). */
export const DEFAULT_RELEVANCE_THRESHOLD = 0.5;

/**
 * Fewest relevant chunks a group needs before we report a position interval or a difference:
 * with fewer, a bootstrap resamples the same one or two chunks and its interval means nothing.
 */
export const MIN_RELEVANT_CHUNKS = 3;

/** Checks a relevance threshold: in (0, 1], since at 0 every chunk would count as relevant. */
export function checkRelevanceThreshold(threshold: number): number {
  if (!(threshold > 0 && threshold <= 1)) throw new StatsInputError(`relevance threshold must be in (0, 1], got ${threshold}`);
  return threshold;
}

/** Checks a minimum relevant-chunk count: a whole number >= 1. */
export function checkMinRelevant(minRelevant: number): number {
  if (!Number.isInteger(minRelevant) || minRelevant < 1) throw new StatsInputError(`minRelevant must be a whole number >= 1, got ${minRelevant}`);
  return minRelevant;
}

/** Number of chunks with relevance >= threshold. */
export function countRelevant(relevances: ArrayLike<number>, threshold = DEFAULT_RELEVANCE_THRESHOLD): number {
  checkRelevanceThreshold(threshold);
  let n = 0;
  for (let i = 0; i < relevances.length; i++) if ((relevances[i] ?? 0) >= threshold) n++;
  return n;
}
