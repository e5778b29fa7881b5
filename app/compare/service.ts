import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { scorers } from '../../db/schema/index.ts';
import type { ScorerConfig } from '../scorers/types.ts';
import { scorerByName, ScorerNameError } from '../scorers/index.ts';
import type { Db } from '../../db/client.ts';
import { poleIndex, selectAxes, type Axis } from '../../pipeline/axes.ts';
import { checkSourcesKnown } from '../sources.ts';
import { compareGroupsOnAxis, DEFAULT_ITERATIONS, DEFAULT_SEED, type Comparison } from './compare.ts';
import { evidenceFor, type EvidencePassage } from './evidence.ts';
import { resolveScope } from './resolve.ts';
import { filtersSchema, GROUP_BY, idSchema } from './selection.ts';
import type { NearestSearch } from './nearest.ts';
import { similarPassages, SimilarQueryError, type SimilarPassage } from './similar.ts';
import { findScorer, NothingScoredError } from '../lookup.ts';
import { canonicalNames } from '../sources.ts';

// A scorer name ("nli", "lexicon", "trained:dev"), checked against app/scorers when resolved
// (ScorerNameError lists the known ones); absent: STANCE_SCORER, else the best scorer with scores.
const scorerParam = z
  .string()
  .min(1)
  .superRefine((name, ctx) => {
    try {
      scorerByName(name);
    } catch (err) {
      if (!(err instanceof ScorerNameError)) throw err;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: err.message });
    }
  })
  .optional();

/**
 * The analyst queries with their parameters as zod schemas: the CLI and the HTTP API validate the
 * same way and call the same functions.
 */
export const compareParams = filtersSchema.extend({
  axis: z.string().min(1).optional(),
  scorer: scorerParam,
  by: z.enum(GROUP_BY).default('source'),
  seed: z.number().int().default(DEFAULT_SEED),
  iterations: z.number().int().min(100).max(100_000).default(DEFAULT_ITERATIONS),
});
export type CompareParams = z.input<typeof compareParams>;

export const evidenceParams = z.object({
  source: z.string().min(1),
  axis: z.string().min(1),
  pole: z.string().min(1),
  scorer: scorerParam,
  limit: z.number().int().min(1).max(200).default(5),
});
export type EvidenceParams = z.input<typeof evidenceParams>;

export const similarParams = z
  .object({
    text: z.string().min(1).max(20_000).optional(),
    chunk: idSchema.optional(),
    otherSources: z.boolean().default(false),
    scorer: scorerParam,
    limit: z.number().int().min(1).max(200).default(5),
  })
  .refine((p) => (p.text === undefined) !== (p.chunk === undefined), { message: 'give exactly one of `text` or `chunk`' });
export type SimilarParams = z.input<typeof similarParams>;

/** What the queries need besides their parameters. */
export interface QueryEnv {
  db: Db;
  config: ScorerConfig;
  axes: Axis[];
  /** Embeds free text for `similar --text` (loads the embedding model on first use). */
  embedText?: (text: string) => Promise<Float32Array>;
  /** How `similar` finds nearest chunks; the exact SQL scan when absent (app/compare/nearest.ts). */
  nearest?: NearestSearch;
}

/** Compares groups on one axis, or on every axis when none is given. */
export async function runCompare(env: QueryEnv, raw: CompareParams): Promise<Comparison[]> {
  const p = compareParams.parse(raw);
  const axes = selectAxes(env.axes, p.axis ? [p.axis] : undefined);
  await checkSourcesKnown(env.db, p.sources);
  const { axis: _a, scorer: _s, by, seed, iterations, ...filters } = p;
  const out: Comparison[] = [];
  for (const axis of axes) {
    const scope = await resolveScope(env.db, env.config, axis, p.scorer);
    out.push(await compareGroupsOnAxis(env.db, scope, { by, filters, seed, iterations }));
  }
  return out;
}

/** The passages of a source most strongly on one pole. */
export async function runEvidence(env: QueryEnv, raw: EvidenceParams): Promise<{ axis: string; pole: string; source: string; scorer: string; passages: EvidencePassage[] }> {
  const p = evidenceParams.parse(raw);
  const [axis] = selectAxes(env.axes, [p.axis]);
  poleIndex(axis as Axis, p.pole);
  await checkSourcesKnown(env.db, [p.source]);
  const scope = await resolveScope(env.db, env.config, axis as Axis, p.scorer);
  // An alias names its source's passages; the answer names the canonical source.
  const [source = p.source] = await canonicalNames(env.db, [p.source]);
  return { axis: p.axis, pole: p.pole, source, scorer: scope.scorer.key, passages: await evidenceFor(env.db, scope, source, p.pole, p.limit) };
}

/** The nearest stored passages to a text or a chunk, with their stance on every axis. */
export async function runSimilar(env: QueryEnv, raw: SimilarParams): Promise<{ query: { text?: string; chunk?: number }; scorer: string; passages: SimilarPassage[] }> {
  const p = similarParams.parse(raw);
  // Any axis works to find the scorer version; stances are then read for every axis.
  const scopes = await Promise.all(env.axes.map((a) => resolveScope(env.db, env.config, a, p.scorer)));
  const modelId = await embeddingModelId(env);
  const axisIds = new Map(scopes.map((s) => [s.axis.slug, s.axisId]));
  const scorerId = scopes[0]?.scorer.id ?? 0;
  let passages: SimilarPassage[];
  if (p.chunk !== undefined) {
    passages = await similarPassages(env.db, { kind: 'chunk', chunkId: p.chunk }, { modelId, limit: p.limit, otherSources: p.otherSources, scorerId, axisIds, ...(env.nearest ? { search: env.nearest } : {}) });
  } else {
    if (!env.embedText) throw new Error('similar --text needs the embedding model');
    const vector = await env.embedText(p.text as string);
    passages = await similarPassages(env.db, { kind: 'vector', vector }, { modelId, limit: p.limit, scorerId, axisIds, ...(env.nearest ? { search: env.nearest } : {}) });
  }
  return { query: p.chunk !== undefined ? { chunk: p.chunk } : { text: p.text as string }, scorer: scopes[0]?.scorer.key ?? '', passages };
}

// The prototype scorer row points at the embedding model that made the stored vectors: its
// plain version, since only the model matters here (a threshold profile changes labels, not
// vectors). A store a run without the embedding model filled has none; what similar lacks then
// is embeddings, and "nothing scored with the prototype scorer" would send the user to the
// wrong fix.
async function embeddingModelId(env: QueryEnv): Promise<number> {
  const { embedModel, dtype } = env.config;
  let prototypeScorerId: number;
  try {
    prototypeScorerId = (await findScorer(env.db, 'prototype', embedModel, dtype)).id;
  } catch (err) {
    if (!(err instanceof NothingScoredError)) throw err;
    throw new SimilarQueryError(
      `no embeddings are stored for the embedding model ${embedModel} (${dtype}), and similar compares passages by their embeddings; ` +
        'make the model available (README "Offline models": STANCE_MODELS_DIR, or network access on first use), then run `stance rescore` to embed the stored documents',
    );
  }
  const [row] = await env.db.select({ modelId: scorers.modelId }).from(scorers).where(eq(scorers.id, prototypeScorerId));
  if (!row || row.modelId === null) throw new Error(`scorer ${prototypeScorerId} has no embedding model`);
  return row.modelId;
}
