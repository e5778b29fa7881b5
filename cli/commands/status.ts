import type { Command } from 'commander';
import { documentsInProgress } from '../../app/document-progress.ts';
import { documentStatus, failedDocuments } from '../../app/status.ts';
import { stuckDocuments, type StuckDocument } from '../../app/stuck.ts';
import { DOCUMENT_STATUSES } from '../../db/schema/index.ts';
import { withDatabase } from '../context.ts';
import { formatTable, printJson } from '../output.ts';
import { withProducer } from '../process-after-ingest.ts';
import { summaryOf } from '../command-index.ts';

/** `stance status`: documents by source and status, progress of unfinished ones, queue counts. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(summaryOf('status'))
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const result = await withDatabase(async ({ db, location }, config) => {
        // Without Redis nothing can say which queued documents have a job; the counts still help.
        const stuck: StuckDocument[] | null = config.redisUrl
          ? await withProducer(config, (producer) => stuckDocuments(db, producer, config.queue.staleAfterMs)).catch(() => null)
          : await stuckDocuments(db, undefined, config.queue.staleAfterMs);
        const stuckIds = new Set((stuck ?? []).map((d) => d.id));
        const sources = await documentStatus(db);
        const waiting = sources.reduce((n, s) => n + s.by_status.queued + s.by_status.processing, 0);
        return {
        database: location,
        sources,
        in_progress: (await documentsInProgress(db)).map((d) => ({ ...d, stuck: stuckIds.has(d.id) })),
        stuck,
        stuck_fix: stuck?.length ? 'run `stance process` to queue them again' : null,
        failed: await failedDocuments(db),
        // The database part is worth showing even when Redis is down.
        ...(config.redisUrl
          ? await queueState(config.redisUrl, config.queuePrefix, waiting)
          : { queues: null, queues_error: null, workers_warning: null }),
        };
      });
      if (opts.json) {
        printJson(result);
        return;
      }
      console.log(`Database: ${result.database}`);
      if (result.sources.length === 0) {
        console.log('No documents yet. Add some with `stance ingest --manifest seeds/manifest.json`.');
      } else {
        const rows = result.sources.map((s) => [s.source, s.total, ...DOCUMENT_STATUSES.map((st) => s.by_status[st])]);
        const total = result.sources.reduce((n, s) => n + s.total, 0);
        console.log(formatTable(['source', 'documents', ...DOCUMENT_STATUSES], rows));
        console.log(`${total} document(s) from ${result.sources.length} source(s)`);
      }
      if (result.in_progress.length) {
        console.log('\nUnfinished documents:');
        console.log(formatTable(['id', 'source', 'status', 'chunks', 'embedded', 'scored', 'title'], result.in_progress.map((d) => [d.id, d.source, d.stuck ? `${d.status} (stuck)` : d.status, d.chunks, d.embedded, d.scored, d.title ?? ''])));
      }
      if (result.stuck?.length) {
        console.log(`\nStuck: ${result.stuck.length} document(s) that nothing is processing (${result.stuck[0]?.reason}): ${result.stuck.map((d) => d.id).join(', ')}`);
        console.log(`Fix: ${result.stuck_fix}.`);
      }
      if (result.queues) {
        console.log('\nQueues:');
        console.log(formatTable(['queue', 'waiting', 'active', 'delayed', 'waiting for children', 'completed', 'failed', 'workers'], Object.entries(result.queues).map(([q, c]) => [q, c.waiting, c.active, c.delayed, c.waiting_children, c.completed, c.failed, c.workers])));
      }
      if (result.queues_error) console.log(`\nQueues: unavailable (${result.queues_error})`);
      if (result.workers_warning) console.log(`\nWarning: ${result.workers_warning}.`);
      for (const f of result.failed) console.log(`failed: document ${f.id} (${f.title ?? f.file_name ?? ''}): ${f.error ?? ''}`);
      if (result.failed.length) console.log('Retry failed documents with `stance retry ID...` or `stance process --failed`.');
    });
}

/** The queue's counts, or the error that kept them from being read. */
async function queueState(url: string, prefix: string, waiting: number) {
  // BullMQ loads here, when there is a queue to count, not at every start of `stance`.
  const { idleQueueWarning, queueCounts } = await import('../../workers/queue-counts.ts');
  return queueCounts(url, prefix).then(
    (queues) => ({ queues, queues_error: null, workers_warning: idleQueueWarning(waiting, queues) }),
    (err: Error) => ({ queues: null, queues_error: err.message, workers_warning: null }),
  );
}
