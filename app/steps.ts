import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { chunks, documents, embeddings, stanceScores } from '../db/schema/index.ts';
import type { Axis } from '../pipeline/axes.ts';
import { prototypeAxisScore, prototypeSentences, prototypesFrom, type AxisPrototypes } from '../pipeline/prototype-score.ts';
import type { Thresholds } from '../pipeline/stance-score.ts';
import type { Inference } from './inference.ts';
import type { Registry, ScorerKind } from './registry.ts';

/** Everything a processing step needs: the store, the models, the axes and their registry ids. */
export interface StepContext {
  db: Db;
  inference: Inference;
  axes: Axis[];
  registry: Registry;
  chunkTokens: number;
  nliBatchSize: number;
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
  const pieces = await ctx.inference.chunk(doc.text, maxTokens);
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

/** Embeds the given chunks that have no embedding for the current model yet, and stores them. */
export async function embedChunks(ctx: StepContext, chunkIds: number[]): Promise<number> {
  const modelId = ctx.registry.embedModelId;
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
  const vectors = await ctx.inference.embed(todo.map((c) => c.text));
  await insertInBatches(
    todo.map((c, i) => ({ chunkId: c.id, modelId, dimension: vectors[i]?.length ?? 0, vector: Array.from(vectors[i] ?? []) })),
    (batch) => ctx.db.insert(embeddings).values(batch).onConflictDoNothing(),
  );
  return todo.length;
}

async function chunksMissingScores(ctx: StepContext, chunkIds: number[], scorerId: number): Promise<{ id: number; text: string }[]> {
  const axisIds = ctx.axes.map((a) => ctx.registry.axisIds.get(a.slug) as number);
  return ctx.db
    .select({ id: chunks.id, text: chunks.text })
    .from(chunks)
    .where(
      and(
        inArray(chunks.id, chunkIds),
        sql`(select count(*) from ${stanceScores} s where s.chunk_id = ${chunks.id} and s.scorer_id = ${scorerId}
             and s.axis_id in ${axisIds}) < ${axisIds.length}`,
      ),
    )
    .orderBy(asc(chunks.id));
}

/** Scores the given chunks on every axis with one scorer; skips what is already stored. */
export async function scoreChunks(ctx: StepContext, chunkIds: number[], kind: ScorerKind): Promise<number> {
  const scorerId = ctx.registry.scorerIds[kind];
  const todo = await chunksMissingScores(ctx, chunkIds, scorerId);
  if (todo.length === 0) return 0;
  const scores =
    kind === 'nli'
      ? await ctx.inference.nliScores(
          todo.map((c) => c.text),
          ctx.axes,
          { batchSize: ctx.nliBatchSize, ...ctx.calibration?.nli },
        )
      : await prototypeScores(ctx, todo.map((c) => c.id));
  const rows = todo.flatMap((c, i) =>
    ctx.axes.map((axis, x) => {
      const s = scores[i]?.[x];
      if (!s) throw new Error(`no ${kind} score for chunk ${c.id} on ${axis.slug}`);
      return { chunkId: c.id, axisId: ctx.registry.axisIds.get(axis.slug) as number, scorerId, ...s };
    }),
  );
  await insertInBatches(rows, (batch) => ctx.db.insert(stanceScores).values(batch).onConflictDoNothing());
  return todo.length;
}

const prototypeCache = new WeakMap<Inference, Map<string, AxisPrototypes>>();

/** Pole prototypes of an axis version, embedded once per process. */
async function prototypesFor(inference: Inference, axis: Axis): Promise<AxisPrototypes> {
  let cache = prototypeCache.get(inference);
  if (!cache) prototypeCache.set(inference, (cache = new Map()));
  const hit = cache.get(axis.version);
  if (hit) return hit;
  const s = prototypeSentences(axis);
  const vecs = await inference.embed([...s.a, ...s.b, ...s.relevance]);
  const protos = prototypesFrom({
    a: vecs.slice(0, s.a.length),
    b: vecs.slice(s.a.length, s.a.length + s.b.length),
    relevance: vecs.slice(s.a.length + s.b.length),
  });
  cache.set(axis.version, protos);
  return protos;
}

async function prototypeScores(ctx: StepContext, chunkIds: number[]) {
  const rows = await ctx.db
    .select({ chunkId: embeddings.chunkId, vector: embeddings.vector })
    .from(embeddings)
    .where(and(inArray(embeddings.chunkId, chunkIds), eq(embeddings.modelId, ctx.registry.embedModelId)));
  const byChunk = new Map(rows.map((r) => [r.chunkId, Float32Array.from(r.vector)]));
  const protos = await Promise.all(ctx.axes.map((a) => prototypesFor(ctx.inference, a)));
  return chunkIds.map((id) => {
    const v = byChunk.get(id);
    // The prototype scorer reads stored embeddings; the embed step must have run first.
    if (!v) throw new Error(`chunk ${id} has no embedding for the current model yet`);
    return ctx.axes.map((axis, x) => prototypeAxisScore(v, protos[x] as AxisPrototypes, axis, ctx.calibration?.prototype?.thresholds[axis.slug]));
  });
}

/** Marks a document done when every chunk has its embedding and all its scores, else failed. */
export async function finishDocument(ctx: StepContext, documentId: number): Promise<'done' | 'failed'> {
  const ids = await chunkIdsOf(ctx.db, documentId);
  const missing: string[] = [];
  const embedded = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(embeddings)
    .where(and(inArray(embeddings.chunkId, ids), eq(embeddings.modelId, ctx.registry.embedModelId)));
  if ((embedded[0]?.n ?? 0) < ids.length) missing.push(`${ids.length - (embedded[0]?.n ?? 0)} embedding(s)`);
  for (const kind of ['nli', 'prototype'] as const) {
    const left = await chunksMissingScores(ctx, ids, ctx.registry.scorerIds[kind]);
    if (left.length > 0) missing.push(`${kind} scores of ${left.length} chunk(s)`);
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
