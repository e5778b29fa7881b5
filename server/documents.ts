import { and, count, eq, inArray, or, sql } from 'drizzle-orm';
import type { QueryEnv } from '../app/compare/service.ts';
import { ingestDocuments, type IngestProblem } from '../app/ingest.ts';
import { findConfiguredScorer, NothingScoredError } from '../app/lookup.ts';
import { allScorerRefs } from '../app/scorers/index.ts';
import type { Db } from '../db/client.ts';
import { axes as axesTable, chunks, documents, sources, stanceScores, type DocumentStatus } from '../db/schema/index.ts';
import { formatForFile, type DocumentFormat } from '../pipeline/formats.ts';
import type { DocumentBody } from './schemas.ts';

/** What POST /documents did with a body: stored it, found it already stored, or refused it. */
export type IntakeResult =
  | { outcome: 'created'; id: number; source: string; notes?: string[] }
  | { outcome: 'duplicate'; id: number; source: string; status: DocumentStatus }
  | { outcome: 'refused'; httpStatus: 400 | 413 | 422 | 503; message: string };

// Every other problem (an unreadable text, a database refusal of this one document) is 422: the
// request was understood and this document cannot be stored; never 500.
const HTTP_STATUS: Partial<Record<IngestProblem, 400 | 413 | 503>> = { 'too-large': 413, 'bad-metadata': 400, 'storage-unavailable': 503 };

const EXTENSION: Record<DocumentFormat, string> = { text: 'txt', markdown: 'md', html: 'html' };

/** Stores a posted document through the same ingest as `stance ingest` (no model runs here). */
export async function intakeDocument(db: Db, body: DocumentBody, maxDocBytes: number): Promise<IntakeResult> {
  let file = `document.${EXTENSION[body.format ?? 'text']}`;
  if (body.file_name !== undefined) {
    const implied = formatForFile(body.file_name);
    if (body.format !== undefined && implied !== body.format) {
      return {
        outcome: 'refused',
        httpStatus: 400,
        message: `file_name "${body.file_name}" ${implied ? `is ${implied} by its extension` : 'has no supported extension'} but format is ${body.format}; make them agree or leave one out`,
      };
    }
    file = body.file_name;
  }
  const [outcome] = await ingestDocuments(
    db,
    [
      {
        file,
        // Given as content: ingest never reads `file` from disk.
        content: body.text,
        meta: {
          source: body.source,
          actor: body.actor,
          actorType: body.actor_type,
          title: body.title,
          date: body.date,
          url: body.url,
          language: body.language,
          kind: body.kind,
          metadata: body.metadata,
        },
      },
    ],
    { maxDocBytes },
  );
  if (!outcome) throw new Error('ingest returned no outcome');
  if (outcome.status === 'created') return { outcome: 'created', id: outcome.documentId, source: outcome.source, ...(outcome.notes ? { notes: outcome.notes } : {}) };
  if (outcome.status === 'duplicate') {
    const [row] = await db.select({ status: documents.status }).from(documents).where(eq(documents.id, outcome.documentId));
    return { outcome: 'duplicate', id: outcome.documentId, source: outcome.source, status: row?.status ?? 'queued' };
  }
  return { outcome: 'refused', httpStatus: HTTP_STATUS[outcome.problem] ?? 422, message: outcome.message };
}

/** A stored document for GET /documents/:id (undefined when there is none). */
export async function documentDetails(env: QueryEnv, id: number) {
  const db = env.db;
  const [doc] = await db
    .select({
      id: documents.id,
      source: sources.name,
      actor_type: sql<string | null>`coalesce(${documents.actorType}, ${sources.actorType})`,
      title: documents.title,
      actor: documents.actor,
      date: documents.date,
      url: documents.url,
      language: documents.language,
      kind: documents.kind,
      file_name: documents.fileName,
      format: documents.format,
      bytes: documents.byteLength,
      metadata: documents.metadata,
      status: documents.status,
      error: documents.error,
      created_at: documents.createdAt,
      updated_at: documents.updatedAt,
    })
    .from(documents)
    .innerJoin(sources, eq(sources.id, documents.sourceId))
    .where(eq(documents.id, id));
  if (!doc) return undefined;
  const [n] = await db.select({ n: count() }).from(chunks).where(eq(chunks.documentId, id));
  return {
    ...doc,
    created_at: toIso(doc.created_at),
    updated_at: toIso(doc.updated_at),
    chunks: n?.n ?? 0,
    scored_chunks: doc.status === 'done' ? await scoredChunks(env, id) : null,
  };
}

const toIso = (d: Date | string): string => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** Chunks of a document with a score, by scorer name and axis slug, for the scorer and axis versions the queries read. */
async function scoredChunks(env: QueryEnv, documentId: number): Promise<Record<string, Record<string, number>>> {
  const axisRows = env.axes.length
    ? await env.db
        .select({ id: axesTable.id, slug: axesTable.slug })
        .from(axesTable)
        .where(or(...env.axes.map((a) => and(eq(axesTable.slug, a.slug), eq(axesTable.version, a.version)))))
    : [];
  const out: Record<string, Record<string, number>> = {};
  for (const { ref } of await allScorerRefs(env.db)) {
    const kind = ref.name;
    const counts: Record<string, number> = Object.fromEntries(env.axes.map((a) => [a.slug, 0]));
    out[kind] = counts;
    let scorerId: number;
    try {
      // The same scorer version the queries read (app/compare/resolve.ts), threshold profile included.
      scorerId = (await findConfiguredScorer(env.db, env.config, kind)).id;
    } catch (err) {
      if (err instanceof NothingScoredError) continue;
      throw err;
    }
    if (axisRows.length === 0) continue;
    const rows = await env.db
      .select({ axisId: stanceScores.axisId, n: count() })
      .from(stanceScores)
      .innerJoin(chunks, eq(chunks.id, stanceScores.chunkId))
      .where(and(eq(chunks.documentId, documentId), eq(stanceScores.scorerId, scorerId), inArray(stanceScores.axisId, axisRows.map((r) => r.id))))
      .groupBy(stanceScores.axisId);
    for (const r of rows) {
      const slug = axisRows.find((a) => a.id === r.axisId)?.slug;
      if (slug) counts[slug] = r.n;
    }
  }
  return out;
}
