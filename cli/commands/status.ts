import type { Command } from 'commander';
import { documentStatus, failedDocuments } from '../../app/status.ts';
import { DOCUMENT_STATUSES } from '../../db/schema/index.ts';
import { withDatabase } from '../context.ts';
import { formatTable, printJson } from '../output.ts';

/** `stance status`: documents by source and status, and why any failed. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show documents by source and processing status')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const result = await withDatabase(async ({ db, location }) => ({
        database: location,
        sources: await documentStatus(db),
        failed: await failedDocuments(db),
      }));
      if (opts.json) {
        printJson(result);
        return;
      }
      console.log(`Database: ${result.database}`);
      if (result.sources.length === 0) {
        console.log('No documents yet. Add some with `stance ingest --manifest seeds/manifest.json`.');
        return;
      }
      const rows = result.sources.map((s) => [s.source, s.total, ...DOCUMENT_STATUSES.map((st) => s.byStatus[st])]);
      const total = result.sources.reduce((n, s) => n + s.total, 0);
      console.log(formatTable(['source', 'documents', ...DOCUMENT_STATUSES], rows));
      console.log(`${total} document(s) from ${result.sources.length} source(s)`);
      for (const f of result.failed) console.log(`failed: document ${f.id} (${f.title ?? f.fileName ?? ''}): ${f.error ?? ''}`);
    });
}
