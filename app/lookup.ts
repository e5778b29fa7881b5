import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { axes as axesTable, scorers } from '../db/schema/index.ts';
import type { Config } from '../config/config.ts';
import type { Axis } from '../pipeline/axes.ts';
import type { Thresholds } from '../pipeline/stance-score.ts';
import { loadThresholdProfile, profileTag } from './eval-threshold-profiles.ts';
import type { ScorerKind } from './registry.ts';
import { scorerByName } from './scorers/index.ts';

/** Error for a query that has nothing to answer from yet; the message says what to run. */
export class NothingScoredError extends Error {
  override name = 'NothingScoredError';
}

/** The most recent scorer version of a kind for a model name and dtype (no model load needed). */
export async function findScorer(db: Db, kind: ScorerKind, modelName: string, dtype: string, profile?: string): Promise<{ id: number; key: string }> {
  // Scores labelled with a threshold profile are a scorer version of their own; use them only when asked.
  // starts_with/ends_with rather than LIKE: model names may hold _ or %, which LIKE treats as wildcards.
  const profileFilter = profile ? sql`right(${scorers.key}, ${profile.length + 9}) = ${`:profile=${profile}`}` : sql`strpos(${scorers.key}, ':profile=') = 0`;
  const [row] = await db
    .select({ id: scorers.id, key: scorers.key })
    .from(scorers)
    .where(and(eq(scorers.kind, kind), sql`starts_with(${scorers.key}, ${`${kind}:${modelName}:${dtype}:`})`, profileFilter))
    .orderBy(desc(scorers.id))
    .limit(1);
  if (!row) {
    throw new NothingScoredError(
      `nothing has been scored with the ${kind} scorer of ${modelName} (${dtype})${profile ? ` and threshold profile ${profile}` : ''} yet; ingest documents or run \`stance rescore\``,
    );
  }
  return row;
}

/** Row ids of the current versions of the given axes; an axis never scored at this version is an error. */
export async function findAxisIds(db: Db, axes: Axis[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const axis of axes) {
    const [row] = await db
      .select({ id: axesTable.id })
      .from(axesTable)
      .where(and(eq(axesTable.slug, axis.slug), eq(axesTable.version, axis.version)));
    if (!row) {
      throw new NothingScoredError(`axis ${axis.slug} version ${axis.version} has no scores yet (its definition changed or it is new); run \`stance rescore --axis ${axis.slug}\``);
    }
    ids.set(axis.slug, row.id);
  }
  return ids;
}

/** The scorer version a configuration reads, and the label thresholds it was scored with. */
export interface ConfiguredScorer {
  id: number;
  key: string;
  /** Per-axis thresholds this version labelled with when they are not the axes file's (a threshold profile's, the lexicon file's). */
  profileThresholds: Record<string, Thresholds> | undefined;
}

/** The stored scorer version that a scorer name ("nli", "lexicon", ...) means under a configuration. */
export async function findConfiguredScorer(
  db: Db,
  config: Pick<Config, 'nliModel' | 'embedModel' | 'dtype'> & Partial<Pick<Config, 'thresholdProfile' | 'lexiconFile'>>,
  name: string,
): Promise<ConfiguredScorer> {
  const { ref, descriptor } = scorerByName(name);
  return descriptor.findStored(db, config, ref);
}

/**
 * The scorer version of a transformer kind that the configuration means: with
 * STANCE_THRESHOLD_PROFILE, the profile's version for the scorer the profile was fitted for,
 * the plain version for the other.
 */
export async function findModelScorer(
  db: Db,
  config: Pick<Config, 'nliModel' | 'embedModel' | 'dtype'> & Partial<Pick<Config, 'thresholdProfile'>>,
  kind: ScorerKind,
): Promise<ConfiguredScorer> {
  const model = kind === 'nli' ? config.nliModel : config.embedModel;
  const profile = config.thresholdProfile ? await loadThresholdProfile(db, config.thresholdProfile) : undefined;
  const applies = profile && profile.scorer === kind;
  const scorer = await findScorer(db, kind, model, config.dtype, applies ? profileTag(profile) : undefined);
  return { ...scorer, profileThresholds: applies ? profile.thresholds : undefined };
}
