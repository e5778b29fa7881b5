import type { Queue } from 'bullmq';
import type { QueueName } from './catalog.ts';
import { documentJobId, finishJobId } from './job-ids.ts';

/** What removing a deleted document's jobs did. */
export interface RemovedJobs {
  document_id: number;
  removed: string[];
  /** Jobs a worker holds right now: they cannot be removed and fail on the missing document. */
  active: string[];
}

/**
 * Removes a document's jobs from the queue: the process-document and finish jobs of every attempt
 * up to its current one (workers/job-ids.ts), the finish job with its embed and score children.
 * Jobs that no longer exist are skipped.
 */
export async function removeDocumentJobs(queues: Record<QueueName, Queue>, incarnation: string, docs: { id: number; queue_attempt: number }[]): Promise<RemovedJobs[]> {
  const out: RemovedJobs[] = [];
  for (const doc of docs) {
    const result: RemovedJobs = { document_id: doc.id, removed: [], active: [] };
    for (let attempt = 0; attempt <= doc.queue_attempt; attempt++) {
      const run = documentJobId({ incarnation, documentId: doc.id, attempt });
      for (const id of [finishJobId(run), run]) {
        const job = await queues.documents.getJob(id);
        if (!job) continue;
        try {
          // A job (or a child of it) that a worker holds is locked: BullMQ refuses to remove it.
          await job.remove({ removeChildren: true });
          result.removed.push(id);
        } catch {
          result.active.push(id);
        }
      }
    }
    out.push(result);
  }
  return out;
}
