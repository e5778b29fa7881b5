import { checkIterations, checkLevel, readChunks } from './input.ts';
import type { ChunkArrays, GroupChunks } from './input.ts';
import { weightedMeanOf } from './position.ts';
import { percentileInterval } from './quantile.ts';
import { createRng, deriveSeed } from './random.ts';
import type { Rng } from './random.ts';
import {
  checkMinRelevant,
  checkRelevanceThreshold,
  countRelevant,
  DEFAULT_RELEVANCE_THRESHOLD,
  MIN_RELEVANT_CHUNKS,
} from './relevance.ts';
import { resampledWeightedMean } from './resample.ts';

export { DEFAULT_RELEVANCE_THRESHOLD, MIN_RELEVANT_CHUNKS } from './relevance.ts';
export type { GroupChunks } from './input.ts';

/**
 * |permuted difference| counts as at least as extreme as |observed| within this tolerance, so that
 * summation-order rounding cannot turn a tie into a non-tie (ties count against significance).
 */
export const PERMUTATION_TIE_TOLERANCE = 1e-12;

/** Sub-streams of the seed: changing one procedure's iteration count leaves the other's draws alone. */
const BOOTSTRAP_STREAM = 0;
const PERMUTATION_STREAM = 1;

/** Options of a two-group comparison; the seed is required so every result is reproducible. */
export interface DifferenceOptions {
  seed: number;
  /** Bootstrap replicates for the interval; default 2000. */
  iterations?: number;
  /** Random relabellings for the p-value; default 2000. */
  permutations?: number;
  /** Confidence level of the equal-tailed percentile interval; default 0.95. */
  level?: number;
  /** Relevance at or above which a chunk counts as relevant; default 0.5. */
  relevanceThreshold?: number;
  /** Fewest relevant chunks each group needs; default MIN_RELEVANT_CHUNKS. */
  minRelevant?: number;
}

/** Relevant-chunk counts of the two groups. */
export interface RelevantCounts {
  a: number;
  b: number;
}

/** A comparison of groups a and b; `difference` is position(a) - position(b). */
export type GroupDifference =
  | {
      status: 'ok';
      positionA: number;
      positionB: number;
      /** position(a) - position(b): positive when a sits nearer pole B (+1) than b does. */
      difference: number;
      /** Percentile bootstrap interval of the difference at `level`. */
      ci: [number, number];
      level: number;
      /** Two-sided permutation p-value, (1 + #extreme) / (1 + permutations). */
      pValue: number;
      iterations: number;
      permutations: number;
      nRelevant: RelevantCounts;
    }
  | {
      status: 'too_few_relevant_chunks';
      nRelevant: RelevantCounts;
      minRelevant: number;
      relevanceThreshold: number;
    };

/**
 * Percentile bootstrap interval of position(a) - position(b), resampling each group on its own:
 * each replicate draws a's resample then b's from createRng(seed). Null when either group's
 * relevances sum to 0.
 */
export function bootstrapDifferenceCI(
  a: GroupChunks,
  b: GroupChunks,
  options: { seed: number; iterations?: number; level?: number },
): [number, number] | null {
  const iterations = checkIterations(options.iterations ?? 2000);
  const level = checkLevel(options.level ?? 0.95);
  const chunksA = readChunks(a.scores, a.relevances, 'group a');
  const chunksB = readChunks(b.scores, b.relevances, 'group b');
  if (weightedMeanOf(chunksA) === null || weightedMeanOf(chunksB) === null) return null;
  return bootstrapDifference(chunksA, chunksB, createRng(options.seed), iterations, level);
}

/**
 * Two-sided permutation p-value for position(a) = position(b): pools the chunks (each keeps its
 * score and relevance), draws random relabellings with a's size from createRng(seed), and returns
 * (1 + #{|perm diff| >= |observed|}) / (1 + permutations). A relabelling that leaves a side with
 * zero weight has no difference and is redrawn. Null when either group's relevances sum to 0.
 */
export function permutationPValue(a: GroupChunks, b: GroupChunks, options: { seed: number; permutations?: number }): number | null {
  const permutations = checkIterations(options.permutations ?? 2000, 'permutations');
  const chunksA = readChunks(a.scores, a.relevances, 'group a');
  const chunksB = readChunks(b.scores, b.relevances, 'group b');
  if (weightedMeanOf(chunksA) === null || weightedMeanOf(chunksB) === null) return null;
  return permutationTest(chunksA, chunksB, createRng(options.seed), permutations);
}

/**
 * Compares two groups on one axis: difference = position(a) - position(b), its bootstrap interval
 * and a permutation p-value, each from its own sub-stream of the seed. Returns status
 * 'too_few_relevant_chunks' instead of numbers when either group has fewer than minRelevant chunks
 * with relevance >= relevanceThreshold.
 */
export function compareGroups(a: GroupChunks, b: GroupChunks, options: DifferenceOptions): GroupDifference {
  const iterations = checkIterations(options.iterations ?? 2000);
  const permutations = checkIterations(options.permutations ?? 2000, 'permutations');
  const level = checkLevel(options.level ?? 0.95);
  const relevanceThreshold = checkRelevanceThreshold(options.relevanceThreshold ?? DEFAULT_RELEVANCE_THRESHOLD);
  const minRelevant = checkMinRelevant(options.minRelevant ?? MIN_RELEVANT_CHUNKS);
  const chunksA = readChunks(a.scores, a.relevances, 'group a');
  const chunksB = readChunks(b.scores, b.relevances, 'group b');
  const nRelevant = {
    a: countRelevant(chunksA.relevances, relevanceThreshold),
    b: countRelevant(chunksB.relevances, relevanceThreshold),
  };
  const positionA = weightedMeanOf(chunksA);
  const positionB = weightedMeanOf(chunksB);
  // minRelevant >= 1 and threshold > 0 already imply positive weights; the null checks are for the types.
  if (nRelevant.a < minRelevant || nRelevant.b < minRelevant || positionA === null || positionB === null) {
    return { status: 'too_few_relevant_chunks', nRelevant, minRelevant, relevanceThreshold };
  }
  const ci = bootstrapDifference(chunksA, chunksB, createRng(deriveSeed(options.seed, BOOTSTRAP_STREAM)), iterations, level);
  const pValue = permutationTest(chunksA, chunksB, createRng(deriveSeed(options.seed, PERMUTATION_STREAM)), permutations);
  return {
    status: 'ok',
    positionA,
    positionB,
    difference: positionA - positionB,
    ci,
    level,
    pValue,
    iterations,
    permutations,
    nRelevant,
  };
}

/** Bootstrap of the difference on validated chunks with positive total weight. */
function bootstrapDifference(a: ChunkArrays, b: ChunkArrays, rng: Rng, iterations: number, level: number): [number, number] {
  const replicates = new Float64Array(iterations);
  for (let k = 0; k < iterations; k++) replicates[k] = resampledWeightedMean(a, rng) - resampledWeightedMean(b, rng);
  return percentileInterval(replicates, level);
}

/** Permutation test on validated chunks with positive total weight in each group. */
function permutationTest(a: ChunkArrays, b: ChunkArrays, rng: Rng, permutations: number): number {
  const nA = a.scores.length;
  const n = nA + b.scores.length;
  const scores = new Float64Array(n);
  const relevances = new Float64Array(n);
  scores.set(a.scores);
  scores.set(b.scores, nA);
  relevances.set(a.relevances);
  relevances.set(b.relevances, nA);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // The identity order is the observed split, computed by the same code as every relabelling.
  const observed = Math.abs(splitDifference(scores, relevances, order, nA));
  let extreme = 0;
  for (let k = 0; k < permutations; k++) {
    let d = Number.NaN;
    while (Number.isNaN(d)) {
      // A partial Fisher-Yates shuffle puts a uniform random nA-subset first, whatever the previous order.
      for (let i = 0; i < nA; i++) {
        const j = i + rng.int(n - i);
        const t = order[i] ?? 0;
        order[i] = order[j] ?? 0;
        order[j] = t;
      }
      d = splitDifference(scores, relevances, order, nA);
    }
    if (Math.abs(d) >= observed - PERMUTATION_TIE_TOLERANCE) extreme++;
  }
  return (1 + extreme) / (1 + permutations);
}

/** Weighted mean of order[0..nA) minus that of order[nA..n); NaN when either side has zero weight. */
function splitDifference(scores: Float64Array, relevances: Float64Array, order: Int32Array, nA: number): number {
  let weightA = 0;
  let weightedA = 0;
  let weightB = 0;
  let weightedB = 0;
  for (let i = 0; i < order.length; i++) {
    const c = order[i] ?? 0;
    const r = relevances[c] ?? 0;
    const s = scores[c] ?? 0;
    if (i < nA) {
      weightA += r;
      weightedA += r * s;
    } else {
      weightB += r;
      weightedB += r * s;
    }
  }
  return weightA > 0 && weightB > 0 ? weightedA / weightA - weightedB / weightB : Number.NaN;
}
