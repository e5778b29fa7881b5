import type { Command } from 'commander';
import { eq } from 'drizzle-orm';
import { documents } from '../../db/schema/index.ts';
import { ConfigError } from '../../config/config.ts';
import { withDatabase } from '../context.ts';
import { printJson, say } from '../output.ts';
import { processQueuedInline, queueDocuments } from '../process-after-ingest.ts';

/** `stance process`: chunk, embed and score documents still waiting (e.g. after `ingest --no-process`). */
export function registerProcess(program: Command): void {
  program
    .command('process')
    .description('process the documents whose status is queued: inline, or by queueing them for the workers when REDIS_URL is set')
    .option('--json', 'print the outcome per document as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(async (database, config) => {
        if (config.redisUrl) {
          if (!config.databaseUrl) throw new ConfigError('REDIS_URL is set but DATABASE_URL is not: queue workers need a Postgres server.');
          const ids = (await database.db.select({ id: documents.id }).from(documents).where(eq(documents.status, 'queued'))).map((r) => r.id);
          await queueDocuments(config, ids);
          if (opts.json) printJson({ queued: ids });
          else say(`queued ${ids.length} document(s) for the workers`);
          return;
        }
        const results = await processQueuedInline(database);
        if (opts.json) printJson({ results });
        else say(results.length ? `processed ${results.length} document(s): ${results.filter((r) => r.status === 'done').length} done` : 'no queued documents');
        if (results.some((r) => r.status === 'failed')) process.exitCode = 1;
      });
    });
}
