import type { Config } from '../../config/config.ts';
import type { Db } from '../../db/client.ts';
import { AxisError, type Axis } from '../../pipeline/axes.ts';
import { findAxisIds, findConfiguredScorer } from '../lookup.ts';
import { SCORER_KINDS, type ScorerKind } from '../registry.ts';

/** An axis and a scorer version resolved to the rows their results are stored under. */
export interface ResolvedScope {
  axis: Axis;
  axisId: number;
  scorer: { id: number; key: string; kind: ScorerKind };
  /** The relevance threshold the scores were labelled with (a threshold profile's, or the axis file's). */
  relevanceThreshold: number;
}

/** Parses a scorer kind given by a user, with a message listing the kinds. */
export function parseScorerKind(value: string): ScorerKind {
  if (!(SCORER_KINDS as readonly string[]).includes(value)) throw new AxisError(`unknown scorer "${value}"; use ${SCORER_KINDS.join(' or ')}`);
  return value as ScorerKind;
}

/** The current version of an axis and the latest scorer version of a kind for the configured models. */
export async function resolveScope(
  db: Db,
  config: Pick<Config, 'nliModel' | 'embedModel' | 'dtype'> & Partial<Pick<Config, 'thresholdProfile'>>,
  axis: Axis,
  kind: ScorerKind,
): Promise<ResolvedScope> {
  const scorer = await findConfiguredScorer(db, config, kind);
  const axisIds = await findAxisIds(db, [axis]);
  const relevanceThreshold = scorer.profileThresholds?.[axis.slug]?.relevance ?? axis.thresholds.relevance;
  return { axis, axisId: axisIds.get(axis.slug) as number, scorer: { id: scorer.id, key: scorer.key, kind }, relevanceThreshold };
}
