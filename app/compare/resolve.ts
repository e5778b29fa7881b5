import type { Db } from '../../db/client.ts';
import type { Axis } from '../../pipeline/axes.ts';
import { findAxisIds } from '../lookup.ts';
import { resolveScorer } from '../scorers/index.ts';
import type { ScorerConfig } from '../scorers/types.ts';

/** An axis and a scorer version resolved to the rows their results are stored under. */
export interface ResolvedScope {
  axis: Axis;
  axisId: number;
  /** name: as the user gives it ("nli", "lexicon"); key: the stored version. */
  scorer: { id: number; key: string; kind: string; name: string };
  /** The relevance threshold the scores were labelled with (a threshold profile's, the lexicon file's, or the axis file's). */
  relevanceThreshold: number;
}

/**
 * The current version of an axis and the stored version of a scorer for the configuration: the
 * scorer named, else STANCE_SCORER, else the best one with scores (app/scorers/index.ts).
 */
export async function resolveScope(db: Db, config: ScorerConfig, axis: Axis, scorerName: string | undefined): Promise<ResolvedScope> {
  const { ref, stored } = await resolveScorer(db, config, scorerName);
  const axisIds = await findAxisIds(db, [axis]);
  const relevanceThreshold = stored.profileThresholds?.[axis.slug]?.relevance ?? axis.thresholds.relevance;
  return { axis, axisId: axisIds.get(axis.slug) as number, scorer: { id: stored.id, key: stored.key, kind: ref.kind, name: ref.name }, relevanceThreshold };
}
