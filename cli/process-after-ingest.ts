import type { Config } from '../config/config.ts';
import type { Database } from '../db/client.ts';
import { processInline, unfinishedDocumentIds, type InlineResult } from '../app/run-inline.ts';
import { openProducer } from '../workers/producer.ts';
import { producerConnection, ready } from '../workers/connection.ts';
import { say } from './output.ts';
import { progressReporter } from './progress.ts';
import { openInlineRuntime } from './runtime.ts';

/** Documents stored but not handed to the queue; the message says how to catch up. */
export class QueueError extends Error {
  override name = 'QueueError';
}

/** Queues the documents for the workers (REDIS_URL set) and returns at once. */
export async function queueDocuments(config: Config, documentIds: number[]): Promise<void> {
  if (!config.redisUrl) throw new Error('queueDocuments needs REDIS_URL');
  const connection = producerConnection(config.redisUrl);
  try {
    // Check Redis before opening queues on it: queues would log every failed reconnect.
    await ready(connection, config.redisUrl);
    const producer = openProducer(connection, config.queuePrefix);
    try {
      for (const documentId of documentIds) await producer.enqueue('process-document', { documentId }, `doc-${documentId}`);
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

/** Processes every queued document in this process, with progress on stderr. */
export async function processQueuedInline(database: Database): Promise<InlineResult[]> {
  const runtime = await openInlineRuntime(database);
  try {
    const ids = await unfinishedDocumentIds(runtime.ctx);
    if (ids.length === 0) return [];
    const bar = progressReporter();
    const results = await processInline(runtime.ctx, ids, bar.update);
    bar.done();
    for (const r of results) if (r.status === 'failed') say(`failed     document ${r.documentId}: ${r.error ?? 'incomplete'}`);
    return results;
  } finally {
    await runtime.close();
  }
}
