import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../app/log.ts';
import { recordFailure, withRetries } from '../app/record-failure.ts';
import { countActions, requeueStuck } from '../app/requeue.ts';
import { BadDataError, type StepContext } from '../app/steps.ts';
import { AxisError } from '../pipeline/axes.ts';
import { failureMessage } from '../pipeline/failure-message.ts';
import { isJobName, parsePayload, PayloadError, QUEUE_NAMES, type QueueName } from './catalog.ts';
import { makeHandlers } from './handlers.ts';
import { runOfJobId } from './job-ids.ts';
import type { Producer } from './producer.ts';

export interface WorkerOptions {
  connection: Redis;
  prefix: string;
  producer: Producer;
  logger: Logger;
  /** Jobs run at once per queue. */
  concurrency: number;
  /** BullMQ lock settings; tests lower them to provoke stalls. */
  lockDuration?: number;
  stalledInterval?: number;
  /**
   * Re-queue documents left queued/processing with no live job, at start and then every
   * intervalMs (0: only at start); staleAfterMs spares documents changed more recently. Off when absent.
   */
  reconcile?: { intervalMs: number; staleAfterMs: number };
  /** How long a failure that cannot be written (database down) is retried; 10 minutes by default. */
  failureWriteBudgetMs?: number;
}

/** Running workers for both queues; close() lets current jobs finish, then disconnects. */
export interface RunningWorkers {
  workers: Record<QueueName, Worker>;
  close(): Promise<void>;
}

/** Starts a BullMQ worker per queue, dispatching to the catalog's handlers. */
export function startWorkers(ctx: StepContext, opts: WorkerOptions): RunningWorkers {
  const handlers = makeHandlers(ctx, opts.producer);
  const log = opts.logger;
  // Aborted on close, so pending failure writes and reconciliation stop waiting.
  const stopping = new AbortController();
  const failureBudget = opts.failureWriteBudgetMs ?? 10 * 60_000;

  const processor = async (job: Job): Promise<unknown> => {
    if (!isJobName(job.name)) throw new UnrecoverableError(`unknown job name "${job.name}"`);
    try {
      // Payloads are unknown until zod says otherwise, here as on enqueue.
      const payload = parsePayload(job.name, job.data);
      log.debug({ queue: job.queueName, jobId: job.id, job: job.name }, 'job started');
      return await handlers[job.name](payload as never, job);
    } catch (err) {
      if (err instanceof PayloadError || err instanceof BadDataError || err instanceof AxisError) {
        throw new UnrecoverableError((err as Error).message);
      }
      throw err;
    }
  };

  const workers = Object.fromEntries(
    QUEUE_NAMES.map((queue) => {
      const worker = new Worker(queue, processor, {
        connection: opts.connection,
        prefix: opts.prefix,
        concurrency: opts.concurrency,
        ...(opts.lockDuration && { lockDuration: opts.lockDuration }),
        ...(opts.stalledInterval && { stalledInterval: opts.stalledInterval }),
      });
      worker.on('failed', (job, err) => void onFailed(ctx, log, job, err, { budgetMs: failureBudget, signal: stopping.signal }));
      worker.on('stalled', (jobId) => log.warn({ queue, jobId }, 'job stalled'));
      worker.on('error', (err) => log.error({ queue, err: err.message }, 'worker error'));
      worker.on('completed', (job) => log.info({ queue, jobId: job.id, job: job.name, documentId: payloadDocumentId(job.data) }, 'job completed'));
      return [queue, worker];
    }),
  ) as Record<QueueName, Worker>;

  const reconciler = opts.reconcile ? startReconciler(ctx, opts.producer, log, opts.reconcile, stopping.signal) : undefined;

  return {
    workers,
    close: async () => {
      stopping.abort();
      if (reconciler) clearInterval(reconciler);
      await Promise.all(Object.values(workers).map((w) => w.close()));
    },
  };
}

// Cheap: one indexed query for queued/processing documents, and two job lookups for each.
function startReconciler(ctx: StepContext, producer: Producer, log: Logger, settings: { intervalMs: number; staleAfterMs: number }, signal: AbortSignal): NodeJS.Timeout | undefined {
  let running = false;
  const reconcile = async () => {
    if (running || signal.aborted) return;
    running = true;
    try {
      const outcomes = await requeueStuck(ctx.db, producer, { statuses: ['queued', 'processing'], staleAfterMs: settings.staleAfterMs });
      const counts = countActions(outcomes);
      if (counts.queued + counts.requeued_stale > 0) log.warn({ queued: counts.queued, requeued: counts.requeued_stale, documents: outcomes.filter((o) => o.jobId).map((o) => o.documentId) }, 'queued documents that had no live job');
    } catch (err) {
      // The database or Redis is down; the next round tries again.
      log.warn({ err: failureMessage(err) }, 'reconciliation failed');
    } finally {
      running = false;
    }
  };
  void reconcile();
  if (settings.intervalMs <= 0) return undefined;
  const timer = setInterval(() => void reconcile(), settings.intervalMs);
  timer.unref();
  return timer;
}

/** The documentId of a job's data, when the data is an object that has a numeric one (a job added by hand may hold anything, null included). */
function payloadDocumentId(data: unknown): number | undefined {
  const id = typeof data === 'object' && data !== null ? (data as { documentId?: unknown }).documentId : undefined;
  return typeof id === 'number' ? id : undefined;
}

/**
 * The document whose run a failed job belongs to, or undefined when it belongs to none: a job of
 * stance's own names and ids (workers/job-ids.ts), whose payload names the same document when it
 * names one. A job added to the queue by hand or by another program (an unknown name, an id of
 * another form, a payload about another document) is not a run of the document: its failure must
 * not mark a finished document failed.
 */
export function failedRunDocument(job: Pick<Job, 'id' | 'name' | 'data'>): number | undefined {
  if (!isJobName(job.name)) return undefined;
  const run = runOfJobId(job.id);
  if (!run) return undefined;
  const named = payloadDocumentId(job.data);
  if (named !== undefined && named !== run.documentId) return undefined;
  return run.documentId;
}

// A job that will not run again marks its document failed with the reason, so `stance status`
// shows it. While the database is down the write is retried; if the budget runs out (or the worker
// stops) the document stays queued/processing with no live job, and reconciliation re-queues it.
async function onFailed(ctx: StepContext, log: Logger, job: Job | undefined, err: Error, retry: { budgetMs: number; signal: AbortSignal }): Promise<void> {
  if (!job) return;
  // The job's own options, not the catalog's: the producer may have overridden them (STANCE_JOB_ATTEMPTS).
  const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
  const documentId = failedRunDocument(job);
  const message = `${job.name}: ${failureMessage(err)}`;
  log.error({ queue: job.queueName, jobId: job.id, job: job.name, documentId: documentId ?? payloadDocumentId(job.data), attempt: job.attemptsMade, final, err: message }, 'job failed');
  if (!final) return;
  if (documentId === undefined) {
    log.warn({ queue: job.queueName, jobId: job.id, job: job.name }, 'failed job is not a run of any document (a name, id or payload stance does not make): no document status changed');
    return;
  }
  // A finish job fails because a child failed (failParentOnFailure); the child's own failure,
  // recorded by the worker that ran it, names the cause. Writing "child <queue key> failed" over it would not.
  if (job.name === 'finish-document' && /^child \S+ failed$/.test(err.message)) return;
  try {
    const written = await withRetries(() => recordFailure(ctx.db, documentId, runOfJobId(job.id), message), {
      firstDelayMs: 500,
      maxDelayMs: 15_000,
      budgetMs: retry.budgetMs,
      signal: retry.signal,
      onRetry: (e, delayMs) => log.warn({ documentId, jobId: job.id, delayMs, err: failureMessage(e) }, 'could not record failure yet; retrying'),
    });
    if (!written) log.info({ documentId, jobId: job.id }, 'failure of an outdated run not recorded');
  } catch (e) {
    log.error({ documentId, jobId: job.id, err: failureMessage(e) }, 'could not record failure; reconciliation will re-queue the document');
  }
}
