import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { axes as axesTable, models, scorers } from '../db/schema/index.ts';
import type { Axis } from '../pipeline/axes.ts';
import type { ModelInfo } from '../pipeline/models.ts';
import { NLI_SETTINGS, PROTOTYPE_SETTINGS } from './scorers/model-settings.ts';

/** The transformer scorer kinds: threshold profiles and temperature calibration are fitted for these. */
export const MODEL_SCORER_KINDS = ['nli', 'prototype'] as const;
export type ScorerKind = (typeof MODEL_SCORER_KINDS)[number];

/** Row ids of the model, axis and scorer versions that results are stored under. */
export interface Registry {
  /** Absent when the run has no pretrained models (they could not be loaded). */
  embedModelId?: number;
  nliModelId?: number;
  /** Axis row id by axis slug (the current version of each axis). */
  axisIds: Map<string, number>;
  /** Scorer row id by scorer name ("nli", "lexicon", "trained:dev"): the scorers this run writes. */
  scorerIds: Record<string, number>;
  scorerKeys: Record<string, string>;
}

/** A registry with both transformer models and their two scorers. */
export interface ModelRegistry extends Registry {
  embedModelId: number;
  nliModelId: number;
  scorerIds: Record<ScorerKind, number> & Record<string, number>;
  scorerKeys: Record<ScorerKind, string> & Record<string, string>;
}

/**
 * The key of a scorer version: kind, model, dtype and model version (and the NLI cascade's gate,
 * and a threshold profile, last: app/lookup.ts matches it at the end).
 */
export function scorerKey(kind: ScorerKind, model: ModelInfo, profile?: string, gate?: string): string {
  return [kind, model.name, model.dtype, model.version, ...(gate ? [gate] : []), ...(profile ? [`profile=${profile}`] : [])].join(':');
}

/** Records a model version (idempotent) and returns its row id. */
export async function ensureModel(db: Db, info: ModelInfo, task: 'embedding' | 'nli', dimension?: number): Promise<number> {
  await db.insert(models).values({ name: info.name, dtype: info.dtype, version: info.version, task, dimension }).onConflictDoNothing();
  const [row] = await db
    .select({ id: models.id })
    .from(models)
    .where(and(eq(models.name, info.name), eq(models.dtype, info.dtype), eq(models.version, info.version)));
  if (!row) throw new Error(`model ${info.name} was not registered`);
  return row.id;
}

/** Records an axis version (idempotent) and returns its row id. */
export async function ensureAxis(db: Db, axis: Axis): Promise<number> {
  const { version, ...definition } = axis;
  await db
    .insert(axesTable)
    .values({ slug: axis.slug, version, poleA: axis.poles[0].slug, poleB: axis.poles[1].slug, definition })
    .onConflictDoNothing();
  const [row] = await db
    .select({ id: axesTable.id })
    .from(axesTable)
    .where(and(eq(axesTable.slug, axis.slug), eq(axesTable.version, version)));
  if (!row) throw new Error(`axis ${axis.slug} was not registered`);
  return row.id;
}

/** Records a scorer version (idempotent) and returns its row id. */
export async function ensureScorer(db: Db, key: string, kind: string, modelId: number | null, settings: Record<string, unknown>): Promise<number> {
  await db.insert(scorers).values({ key, kind, modelId, settings }).onConflictDoNothing();
  const [row] = await db.select({ id: scorers.id }).from(scorers).where(eq(scorers.key, key));
  if (!row) throw new Error(`scorer ${key} was not registered`);
  return row.id;
}

/** Registers the models, axes and scorers a run uses, so every stored result names its versions. */
export async function ensureRegistry(
  db: Db,
  embedModel: ModelInfo & { dimension: number },
  nliModel: ModelInfo,
  axes: Axis[],
  profiles: Partial<Record<ScorerKind, string>> = {},
): Promise<ModelRegistry> {
  const embedModelId = await ensureModel(db, embedModel, 'embedding', embedModel.dimension);
  const nliModelId = await ensureModel(db, nliModel, 'nli');
  const axisIds = new Map<string, number>();
  for (const axis of axes) axisIds.set(axis.slug, await ensureAxis(db, axis));
  const scorerKeys = { nli: scorerKey('nli', nliModel, profiles.nli), prototype: scorerKey('prototype', embedModel, profiles.prototype) };
  const scorerIds = {
    nli: await ensureScorer(db, scorerKeys.nli, 'nli', nliModelId, { ...NLI_SETTINGS, profile: profiles.nli }),
    prototype: await ensureScorer(db, scorerKeys.prototype, 'prototype', embedModelId, { ...PROTOTYPE_SETTINGS, profile: profiles.prototype }),
  };
  return { embedModelId, nliModelId, axisIds, scorerIds, scorerKeys };
}
