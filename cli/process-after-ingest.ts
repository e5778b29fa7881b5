import type { Config } from '../config/config.ts';
import { openDatabase, type Database, type Db } from '../db/client.ts';
import { processInline, unfinishedDocumentIds, type InlineResult } from '../app/run-inline.ts';
import { enqueueDocuments, requeueStuck, type RequeueOptions, type RequeueOutcome } from '../app/requeue.ts';
import type { Producer } from '../workers/producer.ts';
import { databaseIncarnation } from '../db/incarnation.ts';
import { removeDocumentJobs, type RemovedJobs } from '../workers/remove-jobs.ts';
import { say } from './output.ts';
import { progressReporter } from './progress.ts';
import { openInlineRuntime } from './runtime.ts';

/** Documents stored but not handed to the queue; the message says how to catch up. */
export class QueueError extends Error {
  override name = 'QueueError';
}

/** Runs fn with a producer on REDIS_URL; Redis trouble becomes a QueueError that says what to do. */
export async function withProducer<T>(config: Config, fn: (producer: Producer) => Promise<T>): Promise<T> {
  if (!config.redisUrl) throw new Error('withProducer needs REDIS_URL');
  // The queue's modules (BullMQ, ioredis) load when a command talks to Redis, not at every start.
  const [{ openProducer }, { producerConnection, ready }] = await Promise.all([import('../workers/producer.ts'), import('../workers/connection.ts')]);
  const connection = producerConnection(config.redisUrl);
  try {
    // Check Redis before opening queues on it: queues would log every failed reconnect.
    await ready(connection, config.redisUrl);
    const producer = openProducer(connection, config.queuePrefix, { attempts: config.queue.jobAttempts, backoffMs: config.queue.backoffMs });
    try {
      return await fn(producer);
    } finally {
      await producer.close();
    }
  } catch (err) {
    throw new QueueError(
      `the documents are stored but could not be queued: ${(err as Error).message}. They stay queued: run \`stance process\` once Redis is reachable`,
      { cause: err },
    );
  } finally {
    connection.disconnect();
  }
}

/**
 * Queues the documents for the workers (REDIS_URL set) and returns at once. Job ids come from the
 * database (its incarnation, the documents' attempts), read through db or a short connection.
 */
export async function queueDocuments(config: Config, documentIds: number[], db?: Db): Promise<void> {
  if (!config.redisUrl) throw new Error('queueDocuments needs REDIS_URL');
  // An empty batch only checks that Redis answers (`stance serve` does this at start).
  if (documentIds.length === 0) return withProducer(config, async () => {});
  const own = db ? undefined : await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrations: 'ignore' });
  try {
    await withProducer(config, (producer) => enqueueDocuments(db ?? (own as Database).db, producer, documentIds));
  } finally {
    await own?.close();
  }
}

/** Re-queues stuck (and, when asked, failed) documents for the workers; see requeueStuck. */
export async function requeueForWorkers(config: Config, db: Db, opts: RequeueOptions): Promise<RequeueOutcome[]> {
  return withProducer(config, (producer) => requeueStuck(db, producer, opts));
}

/**
 * Processes every queued (and, with failed, every failed) document in this process, with progress
 * on stderr. The models are loaded only when there is a document to process (an ingest of
 * duplicates only, or `stance process` with nothing waiting, returns at once).
 */
export async function processQueuedInline(database: Database, opts: { failed?: boolean; ids?: number[] } = {}): Promise<InlineResult[]> {
  const ids = opts.ids ?? (await unfinishedDocumentIds(database.db, opts));
  if (ids.length === 0) return [];
  const runtime = await openInlineRuntime(database);
  try {
    const bar = progressReporter();
    const results = await processInline(runtime.ctx, ids, bar.update);
    bar.done();
    for (const r of results) if (r.status === 'failed') say(`failed     document ${r.documentId}: ${r.error ?? 'incomplete'}`);
    return results;
  } finally {
    await runtime.close();
  }
}

/** Removes deleted documents' jobs from the queue (REDIS_URL set); see removeDocumentJobs. */
export async function removeJobsOfDeleted(config: Config, db: Db, docs: { id: number; queue_attempt: number }[]): Promise<RemovedJobs[]> {
  if (docs.length === 0) return [];
  const incarnation = await databaseIncarnation(db);
  return withProducer(config, (producer) => removeDocumentJobs(producer.queues, incarnation, docs));
}
