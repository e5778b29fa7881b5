import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { documents, sources } from '../db/schema/index.ts';
import { documentMetaSchema, type DocumentMeta } from '../pipeline/document-meta.ts';
import { describeZodError } from '../pipeline/issues.ts';
import { formatBytes, prepareDocument, type InputProblem } from '../pipeline/prepare-document.ts';
import { describeItemFailure, type ItemFailure } from './ingest-errors.ts';
import { findSource, lockSourceNames } from './sources.ts';

/** What happened to one input: stored, already there, or refused with the reason. */
export type IngestOutcome =
  | { file: string; status: 'created'; documentId: number; source: string; bytes: number; removedLines: number; notes?: string[] }
  | { file: string; status: 'duplicate'; documentId: number; source: string }
  | { file: string; status: 'failed'; problem: IngestProblem; message: string };

/** Why an item failed: a problem of its input, or of storing it. */
export type IngestProblem = InputProblem | 'missing' | 'not-a-file' | 'bad-metadata' | 'manifest' | 'outside-manifest-dir' | ItemFailure['problem'];

/** One document to ingest: its content (or a path to read it from) and its metadata. */
export interface IngestInput {
  /** Name shown in messages and used for the format (by extension). */
  file: string;
  /** Raw content; when absent the file is read from `file`. */
  content?: Uint8Array | string;
  meta: unknown;
}

export interface IngestOptions {
  maxDocBytes: number;
}

/**
 * Stores documents one by one; a bad input is reported and the others go ahead. Whatever one
 * item throws (a converter's RangeError, a database refusal) becomes that item's `failed`
 * outcome, so every input gets exactly one outcome.
 */
export async function ingestDocuments(db: Db, inputs: IngestInput[], opts: IngestOptions): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  for (const input of inputs) {
    try {
      outcomes.push(await ingestOne(db, input, opts));
    } catch (err) {
      outcomes.push({ file: input.file, status: 'failed', ...describeItemFailure(err) });
    }
  }
  return outcomes;
}

async function ingestOne(db: Db, input: IngestInput, opts: IngestOptions): Promise<IngestOutcome> {
  const file = input.file;
  const meta = documentMetaSchema.safeParse(input.meta);
  if (!meta.success) {
    // The hint is for the one field a file can lack on its own: a bad value needs correcting, not passing.
    const sourceMissing = meta.error.issues.some((i) => i.path[0] === 'source') && (input.meta as { source?: unknown } | undefined)?.source === undefined;
    return { file, status: 'failed', problem: 'bad-metadata', message: `${describeZodError(meta.error)}${sourceMissing ? '; pass it with --source (or in the manifest)' : ''}` };
  }
  const bytes = await readInput(input, opts.maxDocBytes);
  if ('problem' in bytes) return { file, status: 'failed', ...bytes };
  const prepared = prepareDocument(bytes, file, opts.maxDocBytes);
  if (!prepared.ok) return { file, status: 'failed', ...prepared.rejection };
  return storeDocument(db, file, meta.data, prepared.document);
}

type ReadFailure = { problem: 'missing' | 'not-a-file' | 'too-large'; message: string };

async function readInput(input: IngestInput, maxBytes: number): Promise<Uint8Array | ReadFailure> {
  if (typeof input.content === 'string') return new TextEncoder().encode(input.content);
  if (input.content) return input.content;
  try {
    const info = await stat(input.file);
    if (!info.isFile()) return { problem: 'not-a-file', message: 'is not a regular file (a directory?); pass the files inside it' };
    // Refuse before reading: a huge file should not be pulled into memory just to be rejected.
    if (info.size > maxBytes) {
      return {
        problem: 'too-large',
        message: `file is ${formatBytes(info.size)}, over the limit of ${formatBytes(maxBytes)}; split it or raise STANCE_MAX_DOC_BYTES`,
      };
    }
    return await readFile(input.file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: 'missing', message: 'file not found; check the path (relative paths are from the current directory, or from the manifest\'s folder)' };
    return { problem: 'missing', message: `cannot read the file: ${(err as Error).message}` };
  }
}

async function storeDocument(
  db: Db,
  file: string,
  meta: DocumentMeta,
  doc: { format: string; text: string; contentHash: string; byteLength: number; removed: unknown[] },
): Promise<IngestOutcome> {
  try {
    return await insertDocument(db, file, meta, doc);
  } catch (err) {
    if (!(err instanceof StoredMeanwhile)) throw err;
    // The transaction rolled back, taking with it the source it may have created for this text.
    const existing = await findByHash(db, doc.contentHash);
    if (!existing) throw new Error(`document with hash ${doc.contentHash} neither inserted nor found`, { cause: err });
    return { file, status: 'duplicate', documentId: existing.id, source: existing.source };
  }
}

/** Another transaction stored the same text between our check and our insert. */
class StoredMeanwhile extends Error {
  override name = 'StoredMeanwhile';
}

/** Source and document in one transaction: a document that is not inserted leaves no source behind. */
async function insertDocument(
  db: Db,
  file: string,
  meta: DocumentMeta,
  doc: { format: string; text: string; contentHash: string; byteLength: number; removed: unknown[] },
): Promise<IngestOutcome> {
  return db.transaction(async (tx) => {
    // Look for the text first: a duplicate must not create the source it was offered under.
    const duplicate = await findByHash(tx, doc.contentHash);
    if (duplicate) return { file, status: 'duplicate', documentId: duplicate.id, source: duplicate.source };
    const { source, notes } = await sourceFor(tx, meta);
    const inserted = await tx
      .insert(documents)
      .values({
        sourceId: source.id,
        contentHash: doc.contentHash,
        title: meta.title,
        actor: meta.actor,
        actorType: meta.actorType,
        date: meta.date,
        url: meta.url,
        language: meta.language,
        kind: meta.kind,
        fileName: basename(file),
        format: doc.format,
        text: doc.text,
        byteLength: doc.byteLength,
        metadata: meta.metadata ?? {},
      })
      .onConflictDoNothing({ target: documents.contentHash })
      .returning({ id: documents.id });
    if (inserted[0]) {
      return { file, status: 'created', documentId: inserted[0].id, source: source.name, bytes: doc.byteLength, removedLines: doc.removed.length, ...(notes.length ? { notes } : {}) };
    }
    // Another process stored the same text between our check and our insert: roll back, so a
    // source created for this text (and for nothing else) does not stay behind as an orphan.
    throw new StoredMeanwhile(`hash ${doc.contentHash} stored by another transaction`);
  });
}

/**
 * The source a document is filed under: the one its source names (directly or by an alias), else
 * a new one whose default actor type is the document's. Notes say when the name was an alias or
 * the document's actor type differs from the source's (the document keeps its own).
 */
async function sourceFor(tx: Db, meta: DocumentMeta): Promise<{ source: { id: number; name: string }; notes: string[] }> {
  const notes: string[] = [];
  // Shared: ingests go side by side, while a rename or merge of sources waits for them (app/sources.ts).
  await lockSourceNames(tx, 'shared');
  let source = await findSource(tx, meta.source);
  if (!source) {
    await tx.insert(sources).values({ name: meta.source, actorType: meta.actorType }).onConflictDoNothing();
    source = await findSource(tx, meta.source);
    if (!source) throw new Error(`source ${meta.source} vanished during ingest`);
    return { source, notes };
  }
  if (source.name !== meta.source) notes.push(`source "${meta.source}" is an alias of "${source.name}": filed there`);
  if (meta.actorType !== undefined && source.actorType === null) {
    await tx.update(sources).set({ actorType: meta.actorType }).where(eq(sources.id, source.id));
  } else if (meta.actorType !== undefined && meta.actorType !== source.actorType) {
    notes.push(`actor_type "${meta.actorType}" differs from the source's "${source.actorType}": kept for this document`);
  }
  return { source, notes };
}

async function findByHash(db: Db, hash: string): Promise<{ id: number; source: string } | undefined> {
  const [row] = await db
    .select({ id: documents.id, source: sources.name })
    .from(documents)
    .innerJoin(sources, eq(sources.id, documents.sourceId))
    .where(eq(documents.contentHash, hash));
  return row;
}
