import type { Db } from '../../db/client.ts';
import { axisLabels } from '../../pipeline/axes.ts';
import { groupPositions, MIN_RELEVANT_CHUNKS, type GroupPosition, type PairDifference } from './positions.ts';
import type { ResolvedScope } from './resolve.ts';
import type { Filters, GroupBy } from './selection.ts';

/** The answer to "where does each group stand on this axis, and how far apart are they". */
export interface Comparison {
  axis: string;
  axis_version: string;
  poles: [string, string];
  scorer: string;
  by: GroupBy;
  relevance_threshold: number;
  min_relevant: number;
  seed: number;
  groups: GroupPosition[];
  pairs: PairDifference[];
  /** Why pairs is empty although there are groups (too many groups), else absent. */
  pairs_omitted?: string;
}

export interface CompareOptions {
  by: GroupBy;
  filters: Filters;
  /** Bootstrap and permutation seed: the same seed gives the same intervals and p-values. */
  seed: number;
  iterations: number;
}

export const DEFAULT_SEED = 20240601;
export const DEFAULT_ITERATIONS = 2000;

/** Positions with 95% bootstrap intervals per group, and every pairwise difference. */
export async function compareGroupsOnAxis(db: Db, scope: ResolvedScope, opts: CompareOptions): Promise<Comparison> {
  const threshold = scope.relevanceThreshold;
  const { groups, pairs, pairsOmitted } = await groupPositions(db, {
    axisId: scope.axisId,
    scorerId: scope.scorer.id,
    relevanceThreshold: threshold,
    labels: axisLabels(scope.axis),
    by: opts.by,
    filters: opts.filters,
    seed: opts.seed,
    iterations: opts.iterations,
  });
  return {
    axis: scope.axis.slug,
    axis_version: scope.axis.version,
    poles: [scope.axis.poles[0].slug, scope.axis.poles[1].slug],
    scorer: scope.scorer.key,
    by: opts.by,
    relevance_threshold: threshold,
    min_relevant: MIN_RELEVANT_CHUNKS,
    seed: opts.seed,
    groups,
    pairs,
    ...(pairsOmitted && { pairs_omitted: pairsOmitted }),
  };
}
