import type { Command } from 'commander';
import { countActions, type RequeueOutcome } from '../../app/requeue.ts';
import type { InlineResult } from '../../app/run-inline.ts';
import { ConfigError, type Config } from '../../config/config.ts';
import { withDatabase } from '../context.ts';
import { printJson, say } from '../output.ts';
import { processQueuedInline, requeueForWorkers } from '../process-after-ingest.ts';
import { summaryOf } from '../command-index.ts';

/** `stance process`: finish what is waiting or stuck (after `ingest --no-process`, a crash, an outage). */
export function registerProcess(program: Command): void {
  program
    .command('process')
    .description(summaryOf('process'))
    .option('--failed', 'also retry the documents whose processing failed')
    .option('--json', 'print what was done per document as JSON')
    .action(async (opts: { failed?: boolean; json?: boolean }) => {
      await withDatabase(async (database, config) => {
        if (config.redisUrl) {
          requireServer(config);
          // An explicit command: no grace period, everything without a live job is queued now.
          const outcomes = await requeueForWorkers(config, database.db, { statuses: opts.failed ? ['queued', 'processing', 'failed'] : ['queued', 'processing'], staleAfterMs: 0 });
          reportRequeue(outcomes, Boolean(opts.json), opts.failed ? '' : 'no queued or stuck documents (failed ones are retried with --failed)');
          return;
        }
        const results = await processQueuedInline(database, { failed: Boolean(opts.failed) });
        reportInline(results, Boolean(opts.json), opts.failed ? 'no queued, stuck or failed documents' : 'no queued or stuck documents');
      });
    });
}

/** Queue mode needs a Postgres server the workers share. */
export function requireServer(config: Config): void {
  if (!config.databaseUrl) throw new ConfigError('REDIS_URL is set but DATABASE_URL is not: queue workers need a Postgres server.');
}

const ACTION_TEXT: Record<RequeueOutcome['action'], string> = {
  queued: 'queued',
  requeued_stale: 're-queued (stuck: no live job)',
  requeued_failed: 're-queued (failed before)',
  skipped_live: 'skipped: a job for it is still waiting or running',
  skipped_recent: 'skipped: changed moments ago',
  skipped_raced: 'skipped: another process re-queued it just now',
};

/** The --json answer of a re-queue. */
export function requeueJson(outcomes: RequeueOutcome[]): object {
  return {
    mode: 'queue',
    counts: countActions(outcomes),
    documents: outcomes.map((o) => ({ document_id: o.documentId, previous_status: o.previousStatus, action: o.action, job_id: o.jobId ?? null })),
  };
}

/** The --json answer of an inline run. */
export function inlineJson(results: InlineResult[]): object {
  return { mode: 'inline', results: results.map((r) => ({ document_id: r.documentId, status: r.status, chunks: r.chunks, error: r.error ?? null })) };
}

/** Prints what a re-queue did, per document and in counts. */
export function reportRequeue(outcomes: RequeueOutcome[], json: boolean, nothing: string): void {
  const counts = countActions(outcomes);
  if (json) {
    printJson(requeueJson(outcomes));
    return;
  }
  if (outcomes.length === 0 && nothing) say(nothing);
  for (const o of outcomes) say(`document ${o.documentId} (${o.previousStatus}): ${ACTION_TEXT[o.action]}`);
  if (outcomes.length > 0) {
    say(
      `queued ${counts.queued}, re-queued ${counts.requeued_stale} stuck and ${counts.requeued_failed} failed, skipped ${counts.skipped_live} with live jobs` +
        (counts.skipped_recent + counts.skipped_raced ? `, ${counts.skipped_recent + counts.skipped_raced} other(s)` : '') +
        (counts.queued + counts.requeued_stale + counts.requeued_failed ? '; `stance worker` processes them' : ''),
    );
  }
}

/** Prints the outcome of an inline run; exit code 1 when a document failed. */
export function reportInline(results: InlineResult[], json: boolean, nothing: string): void {
  if (json) printJson(inlineJson(results));
  else say(results.length ? `processed ${results.length} document(s): ${results.filter((r) => r.status === 'done').length} done, ${results.filter((r) => r.status === 'failed').length} failed` : nothing);
  if (results.some((r) => r.status === 'failed')) process.exitCode = 1;
}
