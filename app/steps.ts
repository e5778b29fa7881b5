import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { chunkText } from '../pipeline/chunk.ts';
import { estimateTokens } from '../pipeline/token-estimate.ts';
import { chunks, documents, embeddings, stanceScores } from '../db/schema/index.ts';
import type { Axis } from '../pipeline/axes.ts';
import type { NliGate } from '../pipeline/nli-gate.ts';
import type { LexiconFile } from '../pipeline/lexicon/lexicon-file.ts';
import type { Thresholds } from '../pipeline/stance-score.ts';
import type { Inference } from './inference.ts';
import type { Registry, ScorerKind } from './registry.ts';
import { scorerByName } from './scorers/index.ts';

/** Everything a processing step needs: the store, the models, the axes and their registry ids. */
export interface StepContext {
  db: Db;
  /** The pretrained models; absent when they could not be loaded (only model-free scorers run). */
  inference?: Inference;
  axes: Axis[];
  /** The lexicon file of the lexicon scorer. */
  lexicon: LexiconFile;
  registry: Registry;
  chunkTokens: number;
  nliBatchSize: number;
  /** The NLI cascade's gate; absent: every hypothesis runs for every chunk. */
  nliGate?: NliGate;
  /** Calibrated label settings per scorer (a threshold profile); the axes file's when absent. */
  calibration?: Partial<Record<ScorerKind, { thresholds: Record<string, Thresholds>; temperatures: Record<string, number> }>>;
}

// Postgres takes at most 65,534 bind parameters per statement; stay far below it.
const ROWS_PER_INSERT = 500;

async function insertInBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await insert(rows.slice(i, i + ROWS_PER_INSERT));
}

/** Error for data that will not get better by retrying (a missing document, an empty text). */
export class BadDataError extends Error {
  override name = 'BadDataError';
}

/** Splits a document into chunks and stores them (idempotent); returns the chunk ids in order. */
export async function chunkDocument(ctx: StepContext, documentId: number, maxTokens: number): Promise<number[]> {
  const [doc] = await ctx.db.select({ text: documents.text }).from(documents).where(eq(documents.id, documentId));
  if (!doc) throw new BadDataError(`document ${documentId} does not exist`);
  const existing = await chunkIdsOf(ctx.db, documentId);
  if (existing.length > 0) return existing;
  const pieces = ctx.inference ? await ctx.inference.chunk(doc.text, maxTokens) : chunkText(doc.text, { maxTokens, countTokens: estimateTokens });
  if (pieces.length === 0) throw new BadDataError(`document ${documentId} has no text to chunk`);
  // One transaction: a crash half-way must not leave a partial chunk set that a retry would take as complete.
  await ctx.db.transaction(async (tx) => {
    await insertInBatches(pieces, (batch) =>
      tx
        .insert(chunks)
        .values(batch.map((c) => ({ documentId, ordinal: c.ordinal, start: c.start, end: c.end, text: c.text, tokenCount: c.tokenCount })))
        .onConflictDoNothing(),
    );
    await setStatus(tx, documentId, 'processing');
  });
  return chunkIdsOf(ctx.db, documentId);
}

/** Chunk ids of a document in ordinal order. */
export async function chunkIdsOf(db: Db, documentId: number): Promise<number[]> {
  const rows = await db.select({ id: chunks.id }).from(chunks).where(eq(chunks.documentId, documentId)).orderBy(asc(chunks.ordinal));
  return rows.map((r) => r.id);
}

/** Embeds the given chunks that have no embedding for the current model yet, and stores them (nothing without the model). */
export async function embedChunks(ctx: StepContext, chunkIds: number[]): Promise<number> {
  const modelId = ctx.registry.embedModelId;
  const inference = ctx.inference;
  if (!inference || modelId === undefined) return 0;
  const todo = await ctx.db
    .select({ id: chunks.id, text: chunks.text })
    .from(chunks)
    .where(
      and(
        inArray(chunks.id, chunkIds),
        sql`not exists (select 1 from ${embeddings} e where e.chunk_id = ${chunks.id} and e.model_id = ${modelId})`,
      ),
    )
    .orderBy(asc(chunks.id));
  if (todo.length === 0) return 0;
  const vectors = await inference.embed(todo.map((c) => c.text));
  await insertInBatches(
    todo.map((c, i) => ({ chunkId: c.id, modelId, dimension: vectors[i]?.length ?? 0, vector: Array.from(vectors[i] ?? []) })),
    (batch) => ctx.db.insert(embeddings).values(batch).onConflictDoNothing(),
  );
  return todo.length;
}

/**
 * Per scorer id, the chunks of chunkIds that lack its score on some axis of the run, in id order:
 * one query for any number of scorers (a batch asks for all of its scorers at once). It does not
 * look the chunks up: finishDocument passes a document's own, and batchWork keeps those whose text
 * it finds.
 */
async function chunksMissingScores(ctx: StepContext, chunkIds: number[], scorerIds: number[]): Promise<Map<number, number[]>> {
  const missing = new Map(scorerIds.map((id) => [id, [] as number[]]));
  const axisIds = ctx.axes.map((a) => ctx.registry.axisIds.get(a.slug) as number);
  // No axes: nothing to score, so nothing is missing (as count(*) < 0 said before).
  if (chunkIds.length === 0 || scorerIds.length === 0 || axisIds.length === 0) return missing;
  const counts = await ctx.db
    .select({ chunkId: stanceScores.chunkId, scorerId: stanceScores.scorerId, n: sql<number>`count(*)::int` })
    .from(stanceScores)
    .where(and(inArray(stanceScores.chunkId, chunkIds), inArray(stanceScores.scorerId, scorerIds), inArray(stanceScores.axisId, axisIds)))
    .groupBy(stanceScores.chunkId, stanceScores.scorerId);
  const complete = new Set(counts.filter((c) => c.n >= axisIds.length).map((c) => `${c.chunkId}/${c.scorerId}`));
  const ids = [...new Set(chunkIds)].sort((x, y) => x - y);
  for (const id of ids) for (const scorerId of scorerIds) if (!complete.has(`${id}/${scorerId}`)) missing.get(scorerId)?.push(id);
  return missing;
}

/** The texts of the given chunks, in id order. */
async function chunkTexts(ctx: StepContext, chunkIds: number[]): Promise<{ id: number; text: string }[]> {
  if (chunkIds.length === 0) return [];
  return ctx.db.select({ id: chunks.id, text: chunks.text }).from(chunks).where(inArray(chunks.id, chunkIds)).orderBy(asc(chunks.id));
}

/**
 * What each scorer of a batch still has to score, with the texts: two queries for the whole batch
 * instead of one per scorer (the inline runner plans a batch once; nothing else writes its chunks).
 */
export async function batchWork(ctx: StepContext, chunkIds: number[], names: readonly string[]): Promise<Map<string, { id: number; text: string }[]>> {
  const ids = names.map((name) => scorerIdOf(ctx, name));
  const missing = await chunksMissingScores(ctx, chunkIds, ids);
  const texts = new Map((await chunkTexts(ctx, [...new Set([...missing.values()].flat())])).map((c) => [c.id, c.text]));
  return new Map(names.map((name, i) => [name, (missing.get(ids[i] as number) ?? []).flatMap((id) => (texts.has(id) ? [{ id, text: texts.get(id) as string }] : []))]));
}

/** The registry id of a scorer of the run, or an error naming the ones the run has. */
function scorerIdOf(ctx: StepContext, name: string): number {
  const { ref, descriptor } = scorerByName(name);
  const scorerId = ctx.registry.scorerIds[ref.name];
  if (scorerId === undefined) {
    const active = Object.keys(ctx.registry.scorerIds).join(', ') || 'none';
    throw new Error(`scorer ${ref.name} is not available in this run (available: ${active})${descriptor.needsModels.length ? `; it needs the ${descriptor.needsModels.join(' and ')} model` : ''}`);
  }
  return scorerId;
}

/**
 * Scores the given chunks on every axis with one scorer of the run (by name: "nli", "lexicon",
 * ...); skips what is already stored, or scores `planned` (what batchWork found missing). Every
 * kind stores the same row: per chunk, axis version and scorer version, with the scorer's details
 * (e.g. matched terms) when it has any.
 */
export async function scoreChunks(ctx: StepContext, chunkIds: number[], name: string, planned?: { id: number; text: string }[]): Promise<number> {
  const { ref, descriptor } = scorerByName(name);
  const scorerId = scorerIdOf(ctx, name);
  const todo = planned ?? (await batchWork(ctx, chunkIds, [name])).get(name) ?? [];
  if (todo.length === 0) return 0;
  const scores = await descriptor.scoreChunks(ctx, ref, todo);
  const rows = todo.flatMap((c, i) =>
    ctx.axes.map((axis, x) => {
      const s = scores[i]?.[x];
      if (!s) throw new Error(`no ${ref.name} score for chunk ${c.id} on ${axis.slug}`);
      const { details, ...score } = s;
      return { chunkId: c.id, axisId: ctx.registry.axisIds.get(axis.slug) as number, scorerId, ...score, details: details ?? null };
    }),
  );
  await insertInBatches(rows, (batch) => ctx.db.insert(stanceScores).values(batch).onConflictDoNothing());
  return todo.length;
}

/** The scorers a run writes, those that read stored embeddings first (they need the embed step). */
export function runScorerNames(ctx: StepContext): string[] {
  const names = Object.keys(ctx.registry.scorerIds);
  const readsEmbeddings = (n: string) => (scorerByName(n).descriptor.readsEmbeddings ? 0 : 1);
  return names.sort((a, b) => readsEmbeddings(a) - readsEmbeddings(b));
}

/** Marks a document done when every chunk has its embedding (when the run has the model) and the scores of every scorer of the run, else failed. */
export async function finishDocument(ctx: StepContext, documentId: number): Promise<'done' | 'failed'> {
  const ids = await chunkIdsOf(ctx.db, documentId);
  const missing: string[] = [];
  const embedModelId = ctx.registry.embedModelId;
  if (embedModelId !== undefined) {
    const embedded = await ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(embeddings)
      .where(and(inArray(embeddings.chunkId, ids), eq(embeddings.modelId, embedModelId)));
    if ((embedded[0]?.n ?? 0) < ids.length) missing.push(`${ids.length - (embedded[0]?.n ?? 0)} embedding(s)`);
  }
  const scorers = Object.entries(ctx.registry.scorerIds);
  const left = await chunksMissingScores(ctx, ids, scorers.map(([, id]) => id));
  for (const [name, scorerId] of scorers) {
    const n = left.get(scorerId)?.length ?? 0;
    if (n > 0) missing.push(`${name} scores of ${n} chunk(s)`);
  }
  if (ids.length === 0) missing.push('chunks');
  const status = missing.length === 0 ? 'done' : 'failed';
  await setStatus(ctx.db, documentId, status, missing.length ? `incomplete after processing: missing ${missing.join(', ')}` : null);
  return status;
}

/** Sets a document's status (and error text, cleared on success). */
export async function setStatus(db: Db, documentId: number, status: 'queued' | 'processing' | 'done' | 'failed', error: string | null = null): Promise<void> {
  await db.update(documents).set({ status, error, updatedAt: new Date() }).where(eq(documents.id, documentId));
}
