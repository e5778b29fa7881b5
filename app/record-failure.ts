import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { databaseIncarnation } from '../db/incarnation.ts';
import { documents } from '../db/schema/index.ts';
import type { DocumentRun } from '../workers/job-ids.ts';

/**
 * Marks a document failed for a job that will not run again. With the job's run (from its id) the
 * write only lands if the run is still the document's current one: a late failure of an earlier
 * attempt, or of a job of an earlier database left in Redis, must not overwrite a newer run.
 * Returns false when the write was skipped as outdated.
 */
export async function recordFailure(db: Db, documentId: number, run: DocumentRun | undefined, error: string): Promise<boolean> {
  if (run && run.incarnation !== (await databaseIncarnation(db))) return false;
  const rows = await db
    .update(documents)
    .set({ status: 'failed', error, updatedAt: new Date() })
    .where(run ? and(eq(documents.id, documentId), eq(documents.queueAttempt, run.attempt)) : eq(documents.id, documentId))
    .returning({ id: documents.id });
  return rows.length > 0;
}

/**
 * Runs a write again with doubling pauses until it succeeds, the budget is spent or the signal
 * aborts: a failure that happens while Postgres is down is recorded when it comes back.
 */
export async function withRetries<T>(write: () => Promise<T>, opts: { firstDelayMs: number; maxDelayMs: number; budgetMs: number; signal?: AbortSignal; onRetry?: (err: Error, delayMs: number) => void }): Promise<T> {
  const started = Date.now();
  let delay = opts.firstDelayMs;
  for (;;) {
    try {
      return await write();
    } catch (err) {
      if (opts.signal?.aborted || Date.now() - started + delay > opts.budgetMs) throw err;
      opts.onRetry?.(err as Error, delay);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        opts.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
      delay = Math.min(delay * 2, opts.maxDelayMs);
    }
  }
}
