import type { Command } from 'commander';
import { inArray } from 'drizzle-orm';
import { documents } from '../../db/schema/index.ts';
import { documentIdArgs } from '../options.ts';
import { withDatabase } from '../context.ts';
import { printJson, say } from '../output.ts';
import { processQueuedInline, requeueForWorkers } from '../process-after-ingest.ts';
import { inlineJson, reportInline, reportRequeue, requeueJson, requireServer } from './process.ts';
import { summaryOf } from '../command-index.ts';

/** `stance retry DOC...`: run failed or stuck documents again (re-ingesting them only says "duplicate"). */
export function registerRetry(program: Command): void {
  program
    .command('retry')
    .description(summaryOf('retry'))
    .argument('<document-id...>', 'document ids (see `stance status`)')
    .option('--json', 'print what was done per document as JSON')
    .action(async (args: string[], opts: { json?: boolean }) => {
      const ids = documentIdArgs(args);
      await withDatabase(async (database, config) => {
        const rows = await database.db.select({ id: documents.id, status: documents.status }).from(documents).where(inArray(documents.id, ids));
        const status = new Map(rows.map((r) => [r.id, r.status]));
        const unknown = ids.filter((id) => !status.has(id));
        const done = ids.filter((id) => status.get(id) === 'done');
        const todo = [...new Set(ids.filter((id) => status.has(id) && status.get(id) !== 'done'))];
        // Other ids go on; the unknown ones make the exit code 1 at the end.
        if (!opts.json) {
          for (const id of unknown) say(`document ${id} does not exist (see \`stance status\` for ids)`);
          for (const id of done) say(`document ${id} is done; nothing to retry (\`stance rescore\` scores again with other models or axes)`);
        }
        const skipped = { not_found: unknown, already_done: done };
        if (config.redisUrl) {
          requireServer(config);
          const outcomes = todo.length ? await requeueForWorkers(config, database.db, { statuses: ['queued', 'processing', 'failed'], ids: todo, staleAfterMs: 0 }) : [];
          if (opts.json) printJson({ ...requeueJson(outcomes), ...skipped });
          else reportRequeue(outcomes, false, '');
        } else {
          const results = todo.length ? await processQueuedInline(database, { ids: todo }) : [];
          if (opts.json) printJson({ ...inlineJson(results), ...skipped });
          else if (todo.length) reportInline(results, false, '');
          if (results.some((r) => r.status === 'failed')) process.exitCode = 1;
        }
        if (unknown.length) process.exitCode = 1;
      });
    });
}
