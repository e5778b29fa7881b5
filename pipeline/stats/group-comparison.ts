import { createHash } from 'node:crypto';
import { permutationPValue } from './difference.ts';
import { readChunks, type ChunkArrays } from './input.ts';
import { linearizedStandardError, normalInterval, permutationNormalP } from './large-sample.ts';
import { weightedMeanOf } from './position.ts';
import { percentileInterval } from './quantile.ts';
import { createRng, deriveSeed } from './random.ts';
import { countRelevant, MIN_RELEVANT_CHUNKS } from './relevance.ts';
import { resampledWeightedMean } from './resample.ts';

/**
 * Positions and pairwise differences of many groups within a fixed amount of work.
 *
 * Intervals are percentile bootstraps over chunks and p-values Monte Carlo permutation tests, as
 * long as the random draws they need stay within a budget (smallest groups and pairs first). A
 * group or pair beyond the budget gets the large-sample equivalent instead: the normal interval
 * from the linearized standard error, and the normal approximation of the permutation
 * distribution. Both are what the resampling procedures converge to for large groups, where the
 * budget runs out, and every result says which method produced it.
 */

export type CiMethod = 'bootstrap' | 'normal';
export type PMethod = 'permutation' | 'normal';

export interface GroupInput {
  key: string;
  scores: ArrayLike<number>;
  relevances: ArrayLike<number>;
}

export interface GroupSummary {
  key: string;
  position: number | null;
  ci: [number, number] | null;
  ciMethod: CiMethod | null;
  se: number | null;
  nChunks: number;
  nRelevant: number;
}

export type PairSummary =
  | { a: string; b: string; status: 'ok'; diff: number; ci: [number, number]; ciMethod: CiMethod; p: number; pMethod: PMethod }
  | { a: string; b: string; status: 'too_few_relevant_chunks'; nRelevant: [number, number]; minRelevant: number };

export interface ComparisonOptions {
  seed: number;
  iterations: number;
  level?: number;
  relevanceThreshold: number;
  minRelevant?: number;
  /** Random draws the bootstraps may use in all (iterations x chunks per group, summed). */
  bootstrapBudget?: number;
  /** Random draws the permutation tests may use in all (permutations x chunks per pair, summed). */
  permutationBudget?: number;
  /** Only the group summaries (too many groups for a table of pairs). */
  skipPairs?: boolean;
}

// About 0.1 s of resampling each on the machines this runs on (measured by bench/compare.ts).
export const DEFAULT_BOOTSTRAP_BUDGET = 20_000_000;
export const DEFAULT_PERMUTATION_BUDGET = 20_000_000;

/** A group's own seed: its interval does not change when other groups join the query. */
export function groupSeed(seed: number, key: string): number {
  return deriveSeed(seed, createHash('sha256').update(key).digest().readUInt32BE(0));
}

/** Bootstrap replicates of a group's weighted mean (iterations resamples of its chunks). */
export function bootstrapReplicates(chunks: ChunkArrays, seed: number, iterations: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(iterations);
  for (let k = 0; k < iterations; k++) out[k] = resampledWeightedMean(chunks, rng);
  return out;
}

interface Prepared {
  key: string;
  chunks: ChunkArrays;
  position: number | null;
  nRelevant: number;
  enough: boolean;
  replicates: Float64Array | null;
  se: number | null;
}

/** Summarizes every group and compares every pair of groups, within the work budgets. */
export function compareManyGroups(groups: GroupInput[], opts: ComparisonOptions): { groups: GroupSummary[]; pairs: PairSummary[] } {
  const level = opts.level ?? 0.95;
  const minRelevant = opts.minRelevant ?? MIN_RELEVANT_CHUNKS;
  const prepared: Prepared[] = groups.map((g) => {
    const chunks = readChunks(g.scores, g.relevances, g.key);
    const nRelevant = countRelevant(chunks.relevances, opts.relevanceThreshold);
    return { key: g.key, chunks, position: weightedMeanOf(chunks), nRelevant, enough: nRelevant >= minRelevant, replicates: null, se: null };
  });

  let left = opts.bootstrapBudget ?? DEFAULT_BOOTSTRAP_BUDGET;
  for (const g of [...prepared].sort((x, y) => x.chunks.scores.length - y.chunks.scores.length || (x.key < y.key ? -1 : 1))) {
    if (!g.enough) continue;
    const cost = opts.iterations * g.chunks.scores.length;
    if (cost <= left) {
      left -= cost;
      g.replicates = bootstrapReplicates(g.chunks, groupSeed(opts.seed, g.key), opts.iterations);
    }
    g.se = linearizedStandardError(g.chunks);
  }

  const summaries: GroupSummary[] = prepared.map((g) => {
    let ci: [number, number] | null = null;
    let ciMethod: CiMethod | null = null;
    if (g.enough && g.replicates) {
      ci = percentileInterval(Float64Array.from(g.replicates), level);
      ciMethod = 'bootstrap';
    } else if (g.enough && g.position !== null && g.se !== null) {
      ci = normalInterval(g.position, g.se, level);
      ciMethod = 'normal';
    }
    return { key: g.key, position: g.position, ci, ciMethod, se: g.se, nChunks: g.chunks.scores.length, nRelevant: g.nRelevant };
  });

  return { groups: summaries, pairs: opts.skipPairs ? [] : comparePairs(prepared, opts, level, minRelevant) };
}

function comparePairs(prepared: Prepared[], opts: ComparisonOptions, level: number, minRelevant: number): PairSummary[] {
  const pairs: [Prepared, Prepared][] = [];
  for (let i = 0; i < prepared.length; i++) for (let j = i + 1; j < prepared.length; j++) pairs.push([prepared[i] as Prepared, prepared[j] as Prepared]);
  const size = ([a, b]: [Prepared, Prepared]) => a.chunks.scores.length + b.chunks.scores.length;
  const exact = new Set<[Prepared, Prepared]>();
  let left = opts.permutationBudget ?? DEFAULT_PERMUTATION_BUDGET;
  for (const pair of [...pairs].sort((x, y) => size(x) - size(y))) {
    if (!pair[0].enough || !pair[1].enough) continue;
    const cost = opts.iterations * size(pair);
    if (cost <= left) {
      left -= cost;
      exact.add(pair);
    }
  }
  return pairs.map((pair): PairSummary => {
    const [a, b] = pair;
    if (!a.enough || !b.enough || a.position === null || b.position === null) {
      return { a: a.key, b: b.key, status: 'too_few_relevant_chunks', nRelevant: [a.nRelevant, b.nRelevant], minRelevant };
    }
    const diff = a.position - b.position;
    let ci: [number, number];
    let ciMethod: CiMethod;
    if (a.replicates && b.replicates) {
      // Each group resampled on its own: the difference of their replicates is the pair's bootstrap.
      const d = new Float64Array(a.replicates.length);
      for (let k = 0; k < d.length; k++) d[k] = (a.replicates[k] ?? 0) - (b.replicates[k] ?? 0);
      ci = percentileInterval(d, level);
      ciMethod = 'bootstrap';
    } else {
      ci = normalInterval(diff, Math.hypot(a.se ?? 0, b.se ?? 0), level, [-2, 2]);
      ciMethod = 'normal';
    }
    const p = exact.has(pair)
      ? permutationPValue(a.chunks, b.chunks, { seed: pairSeed(opts.seed, a.key, b.key), permutations: opts.iterations })
      : permutationNormalP(a.chunks, b.chunks);
    return { a: a.key, b: b.key, status: 'ok', diff, ci, ciMethod, p: p ?? 1, pMethod: exact.has(pair) ? 'permutation' : 'normal' };
  });
}

/** A pair's own permutation seed. */
export function pairSeed(seed: number, a: string, b: string): number {
  return groupSeed(seed, `${a}\u0000${b}`);
}
