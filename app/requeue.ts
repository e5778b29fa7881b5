import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { databaseIncarnation } from '../db/incarnation.ts';
import { documents, type DocumentStatus } from '../db/schema/index.ts';
import { documentJobId, finishJobId, type DocumentRun } from '../workers/job-ids.ts';
import type { Producer } from '../workers/producer.ts';

/** The part of the queue the recovery needs: is a job live, and add a process-document job. */
export type QueueAccess = Pick<Producer, 'isLive' | 'enqueue'>;

/** What the recovery did with one document. */
export type RequeueAction =
  | 'queued' // was queued with no live job: queued now
  | 'requeued_stale' // was processing with no live job: queued again
  | 'requeued_failed' // was failed: queued again
  | 'skipped_live' // a job of its current attempt can still run
  | 'skipped_recent' // changed too recently to call it stuck (a producer may be about to queue it)
  | 'skipped_raced'; // another process re-queued it at the same moment

export interface RequeueOutcome {
  documentId: number;
  previousStatus: DocumentStatus;
  action: RequeueAction;
  jobId?: string;
}

export interface RequeueOptions {
  /** Statuses to consider; `failed` only when asked (`stance process --failed`, `stance retry`). */
  statuses: DocumentStatus[];
  /** Only these documents (stance retry); all of the statuses otherwise. */
  ids?: number[];
  /** queued/processing documents changed less than this long ago are left alone. */
  staleAfterMs: number;
}

interface Candidate {
  id: number;
  status: DocumentStatus;
  queueAttempt: number;
  updatedAt: Date;
}

/** Whether a document's current run still has a job that can run (its own or its finish job). */
export async function hasLiveJob(queue: Pick<QueueAccess, 'isLive'>, run: DocumentRun): Promise<boolean> {
  const id = documentJobId(run);
  return (await queue.isLive('documents', id)) || (await queue.isLive('documents', finishJobId(id)));
}

/** Queues a document's first run (attempt as stored) under its incarnation's job id. */
export async function enqueueDocuments(db: Db, queue: Pick<QueueAccess, 'enqueue'>, documentIds: number[]): Promise<string[]> {
  if (documentIds.length === 0) return [];
  const incarnation = await databaseIncarnation(db);
  const rows = await db.select({ id: documents.id, attempt: documents.queueAttempt }).from(documents).where(inArray(documents.id, documentIds));
  const attempts = new Map(rows.map((r) => [r.id, r.attempt]));
  const jobIds: string[] = [];
  for (const documentId of documentIds) {
    const jobId = documentJobId({ incarnation, documentId, attempt: attempts.get(documentId) ?? 0 });
    await queue.enqueue('process-document', { documentId }, jobId);
    jobIds.push(jobId);
  }
  return jobIds;
}

/**
 * Puts documents that no job will finish back on the queue: queued or processing ones without a
 * live job of their current attempt (Redis lost it, a database was recreated under it, a failure
 * could not be recorded), and failed ones when asked. Each re-queue starts a new attempt, so its job
 * id is new and cannot meet an earlier job. Safe to run from several processes at once: the attempt
 * is bumped only if nobody else bumped it first.
 */
export async function requeueStuck(db: Db, queue: QueueAccess, opts: RequeueOptions, now = new Date()): Promise<RequeueOutcome[]> {
  if (opts.statuses.length === 0 || opts.ids?.length === 0) return [];
  const where = opts.ids ? and(inArray(documents.status, opts.statuses), inArray(documents.id, opts.ids)) : inArray(documents.status, opts.statuses);
  const candidates: Candidate[] = await db
    .select({ id: documents.id, status: documents.status, queueAttempt: documents.queueAttempt, updatedAt: documents.updatedAt })
    .from(documents)
    .where(where)
    .orderBy(documents.id);
  if (candidates.length === 0) return [];
  const incarnation = await databaseIncarnation(db);
  const outcomes: RequeueOutcome[] = [];
  for (const doc of candidates) {
    const base = { documentId: doc.id, previousStatus: doc.status };
    if (doc.status !== 'failed') {
      if (await hasLiveJob(queue, { incarnation, documentId: doc.id, attempt: doc.queueAttempt })) {
        outcomes.push({ ...base, action: 'skipped_live' });
        continue;
      }
      if (now.getTime() - doc.updatedAt.getTime() < opts.staleAfterMs) {
        outcomes.push({ ...base, action: 'skipped_recent' });
        continue;
      }
    }
    const attempt = await bumpAttempt(db, doc.id, doc.queueAttempt);
    if (attempt === undefined) {
      outcomes.push({ ...base, action: 'skipped_raced' });
      continue;
    }
    const jobId = documentJobId({ incarnation, documentId: doc.id, attempt });
    await queue.enqueue('process-document', { documentId: doc.id }, jobId);
    const action: RequeueAction = doc.status === 'failed' ? 'requeued_failed' : doc.status === 'processing' ? 'requeued_stale' : 'queued';
    outcomes.push({ ...base, action, jobId });
  }
  return outcomes;
}

// Starts a new attempt unless another process already did (compare-and-set on the attempt).
async function bumpAttempt(db: Db, documentId: number, seen: number): Promise<number | undefined> {
  const [row] = await db
    .update(documents)
    .set({ queueAttempt: sql`${documents.queueAttempt} + 1`, status: 'queued', error: null, updatedAt: new Date() })
    .where(and(eq(documents.id, documentId), eq(documents.queueAttempt, seen)))
    .returning({ attempt: documents.queueAttempt });
  return row?.attempt;
}

/** Counts of outcomes by action, for messages and --json. */
export function countActions(outcomes: RequeueOutcome[]): Record<RequeueAction, number> {
  const counts: Record<RequeueAction, number> = { queued: 0, requeued_stale: 0, requeued_failed: 0, skipped_live: 0, skipped_recent: 0, skipped_raced: 0 };
  for (const o of outcomes) counts[o.action]++;
  return counts;
}
