import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { databaseIncarnation } from '../db/incarnation.ts';
import { documents } from '../db/schema/index.ts';
import { hasLiveJob, type QueueAccess } from './requeue.ts';

/** A document no job or run will finish without `stance process`. */
export interface StuckDocument {
  id: number;
  status: 'queued' | 'processing';
  reason: string;
}

/**
 * Queued/processing documents that nothing is working on. With a queue: no live job of the
 * document's current attempt (Redis lost it, the failure could not be recorded). Without one:
 * processing but untouched for staleAfterMs (an inline run was interrupted). Documents changed
 * within staleAfterMs are given the benefit of the doubt.
 */
export async function stuckDocuments(db: Db, queue: Pick<QueueAccess, 'isLive'> | undefined, staleAfterMs: number, now = new Date()): Promise<StuckDocument[]> {
  const rows = await db
    .select({ id: documents.id, status: documents.status, attempt: documents.queueAttempt, updatedAt: documents.updatedAt })
    .from(documents)
    .where(inArray(documents.status, ['queued', 'processing']))
    .orderBy(documents.id);
  const old = rows.filter((r) => now.getTime() - r.updatedAt.getTime() >= staleAfterMs);
  if (old.length === 0) return [];
  const stuck: StuckDocument[] = [];
  if (!queue) {
    for (const r of old) if (r.status === 'processing') stuck.push({ id: r.id, status: r.status, reason: 'processing was interrupted' });
    return stuck;
  }
  const incarnation = await databaseIncarnation(db);
  for (const r of old) {
    if (await hasLiveJob(queue, { incarnation, documentId: r.id, attempt: r.attempt })) continue;
    stuck.push({ id: r.id, status: r.status as StuckDocument['status'], reason: 'no job in the queue will process it' });
  }
  return stuck;
}
