import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../app/log.ts';
import { BadDataError, setStatus, type StepContext } from '../app/steps.ts';
import { AxisError } from '../pipeline/axes.ts';
import { isJobName, JOBS, parsePayload, PayloadError, QUEUE_NAMES, type QueueName } from './catalog.ts';
import { makeHandlers } from './handlers.ts';
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
      worker.on('failed', (job, err) => void onFailed(ctx, log, job, err));
      worker.on('stalled', (jobId) => log.warn({ queue, jobId }, 'job stalled'));
      worker.on('error', (err) => log.error({ queue, err: err.message }, 'worker error'));
      worker.on('completed', (job) => log.info({ queue, jobId: job.id, job: job.name, documentId: (job.data as { documentId?: number }).documentId }, 'job completed'));
      return [queue, worker];
    }),
  ) as Record<QueueName, Worker>;

  return {
    workers,
    close: async () => {
      await Promise.all(Object.values(workers).map((w) => w.close()));
    },
  };
}

// A job that will not run again marks its document failed with the reason, so `stance status` shows it.
async function onFailed(ctx: StepContext, log: Logger, job: Job | undefined, err: Error): Promise<void> {
  if (!job) return;
  const attempts = isJobName(job.name) ? (JOBS[job.name].options.attempts ?? 1) : 1;
  const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= attempts;
  const documentId = (job.data as { documentId?: unknown }).documentId;
  log.error({ queue: job.queueName, jobId: job.id, job: job.name, documentId, attempt: job.attemptsMade, final, err: err.message }, 'job failed');
  if (final && typeof documentId === 'number') {
    await setStatus(ctx.db, documentId, 'failed', `${job.name}: ${err.message}`).catch((e: Error) =>
      log.error({ documentId, err: e.message }, 'could not record failure'),
    );
  }
}
