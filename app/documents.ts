import { eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '../db/client.ts';
import { DOCUMENT_STATUSES, documents, type DocumentStatus } from '../db/schema/index.ts';
import { documentMetaSchema } from '../pipeline/document-meta.ts';
import { redactSecrets } from '../pipeline/redact.ts';
import { filterConditions, filtersSchema, idSchema } from './compare/selection.ts';
import { checkSourcesKnown } from './sources.ts';

/**
 * Managing stored documents: list them (paged, with the filters of the queries), correct their
 * metadata (scores stay: they depend on the text, not on the metadata), and delete them with
 * everything derived from them.
 */

export const MAX_PAGE = 1000;

/** The parameters of a document listing, for the CLI and GET /documents alike. */
export const documentListParams = filtersSchema.extend({
  status: z.enum(DOCUMENT_STATUSES).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE).default(50),
  offset: z.number().int().min(0).default(0),
  /** Newest first (the web page's order); by id otherwise. */
  newest_first: z.boolean().default(false),
});
export type DocumentListParams = z.input<typeof documentListParams>;

/** A document as listed: metadata, status, chunk count; actor_type is its own, else its source's. */
export interface DocumentRow {
  id: number;
  source: string;
  actor: string | null;
  actor_type: string | null;
  title: string | null;
  date: string | null;
  url: string | null;
  language: string | null;
  kind: string | null;
  file_name: string | null;
  status: DocumentStatus;
  error: string | null;
  chunks: number;
  /** Chunks with an embedding, and chunks with a score of any scorer: the progress of an unfinished document. */
  embedded: number;
  scored: number;
  created_at: string;
  updated_at: string;
}

const toIso = (d: Date | string): string => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

const ROW = sql`d.id, src.name as source, d.actor, coalesce(d.actor_type, src.actor_type) as actor_type, d.title, d.date, d.url,
  d.language, d.kind, d.file_name, d.status, d.error, (select count(*)::int from chunks c where c.document_id = d.id) as chunks,
  (select count(distinct e.chunk_id)::int from embeddings e join chunks c on c.id = e.chunk_id where c.document_id = d.id) as embedded,
  (select count(distinct s.chunk_id)::int from stance_scores s join chunks c on c.id = s.chunk_id where c.document_id = d.id) as scored,
  d.created_at, d.updated_at`;

function present(r: DocumentRow): DocumentRow {
  // Stored errors are shown without a token: hide any connection string they carry.
  return { ...r, error: r.error === null ? null : redactSecrets(r.error), created_at: toIso(r.created_at), updated_at: toIso(r.updated_at) };
}

/** One page of the documents matching the filters, by id, with the total count of matches. */
export async function listDocuments(db: Db, raw: DocumentListParams): Promise<{ total: number; limit: number; offset: number; documents: DocumentRow[] }> {
  const p = documentListParams.parse(raw);
  const { status, limit, offset, newest_first, ...filters } = p;
  // A misspelt source is an error listing the known ones, as in the queries, not an empty page.
  await checkSourcesKnown(db, filters.sources);
  const where = sql`${filterConditions(filters)} and (${status ?? null}::text is null or d.status = ${status ?? null})`;
  const from = sql`from documents d join sources src on src.id = d.source_id`;
  const [count] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n ${from} where ${where}`);
  const rows = await queryRows<DocumentRow>(db, sql`select ${ROW} ${from} where ${where} order by ${newest_first ? sql`d.id desc` : sql`d.id`} limit ${limit} offset ${offset}`);
  return { total: count?.n ?? 0, limit, offset, documents: rows.map(present) };
}

/** One document as listed, or undefined. */
export async function getDocumentRow(db: Db, id: number): Promise<DocumentRow | undefined> {
  const [row] = await queryRows<DocumentRow>(db, sql`select ${ROW} from documents d join sources src on src.id = d.source_id where d.id = ${id}`);
  return row ? present(row) : undefined;
}

const meta = documentMetaSchema.shape;

/**
 * A metadata correction: the fields ingest takes, validated the same way (pipeline/document-meta.ts,
 * limits in pipeline/limits.ts); null clears a field. The source is changed with `stance sources`.
 */
export const documentUpdateSchema = z
  .strictObject(
    {
      title: meta.title.nullable(),
      date: meta.date.nullable(),
      url: meta.url.nullable(),
      language: meta.language.nullable(),
      actor: meta.actor.nullable(),
      actor_type: meta.actorType.nullable(),
      kind: meta.kind.nullable(),
    },
    // Each unknown field is an issue of its own, named by its path (pipeline/issues.ts).
    { error: (iss) => (iss.code === 'unrecognized_keys' ? 'cannot be changed (only `title`, `date`, `url`, `language`, `actor`, `actor_type` and `kind` can)' : undefined) },
  )
  // Only for an update that is otherwise valid: an unknown field is the problem to name, not the empty change it leaves.
  .refine((u) => Object.values(u).some((v) => v !== undefined), {
    message: 'nothing to change: give at least one of `title`, `date`, `url`, `language`, `actor`, `actor_type`, `kind`',
    when: (payload) => payload.issues.length === 0,
  });
export type DocumentUpdate = z.input<typeof documentUpdateSchema>;

/** Corrects a document's metadata and sets updated_at; undefined when there is no such document. */
export async function updateDocument(db: Db, id: number, raw: DocumentUpdate): Promise<{ document: DocumentRow; changed: string[] } | undefined> {
  idSchema.parse(id);
  const u = documentUpdateSchema.parse(raw);
  const set = {
    ...(u.title !== undefined && { title: u.title }),
    ...(u.date !== undefined && { date: u.date }),
    ...(u.url !== undefined && { url: u.url }),
    ...(u.language !== undefined && { language: u.language }),
    ...(u.actor !== undefined && { actor: u.actor }),
    ...(u.actor_type !== undefined && { actorType: u.actor_type }),
    ...(u.kind !== undefined && { kind: u.kind }),
  };
  const updated = await db
    .update(documents)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(documents.id, id))
    .returning({ id: documents.id });
  if (updated.length === 0) return undefined;
  const document = await getDocumentRow(db, id);
  if (!document) return undefined;
  return { document, changed: Object.keys(u).filter((k) => u[k as keyof typeof u] !== undefined) };
}

/** What deleting a document removes (or, in a dry run, would remove). */
export interface DeletedDocument {
  id: number;
  source: string;
  title: string | null;
  chunks: number;
  embeddings: number;
  stance_scores: number;
  /** Its current queue attempt: its jobs are named after it (workers/job-ids.ts). */
  queue_attempt: number;
}

/**
 * Deletes documents with their chunks, embeddings and scores in one transaction (all or none);
 * with dryRun, only counts what would go. Their sources stay, with their aliases.
 */
export async function deleteDocuments(db: Db, ids: number[], opts: { dryRun: boolean }): Promise<{ deleted: DeletedDocument[]; not_found: number[] }> {
  const unique = [...new Set(ids.map((id) => idSchema.parse(id)))];
  if (unique.length === 0) return { deleted: [], not_found: [] };
  return db.transaction(async (tx) => {
    const found = await queryRows<DeletedDocument>(
      tx,
      sql`select d.id, src.name as source, d.title, d.queue_attempt,
            (select count(*)::int from chunks c where c.document_id = d.id) as chunks,
            (select count(*)::int from embeddings e join chunks c on c.id = e.chunk_id where c.document_id = d.id) as embeddings,
            (select count(*)::int from stance_scores ss join chunks c on c.id = ss.chunk_id where c.document_id = d.id) as stance_scores
          from documents d join sources src on src.id = d.source_id where d.id in ${unique} order by d.id for update of d`,
    );
    const foundIds = new Set(found.map((f) => f.id));
    if (!opts.dryRun && found.length) {
      // Chunks, embeddings and scores go by their foreign keys' ON DELETE CASCADE.
      await tx.delete(documents).where(inArray(documents.id, [...foundIds]));
    }
    return { deleted: found, not_found: unique.filter((id) => !foundIds.has(id)) };
  });
}
