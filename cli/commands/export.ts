import type { Command } from 'commander';
import { exportCsv } from '../../app/compare/export.ts';
import { runCompare } from '../../app/compare/service.ts';
import { SCORER_KINDS } from '../../app/registry.ts';
import { withDatabase } from '../context.ts';
import { printJson, say } from '../output.ts';
import { queryEnvFor } from '../query-env.ts';

/** `stance export`: CSV files for R, pandas or a spreadsheet. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write documents.csv, chunks.csv (every chunk with its scores) and positions.csv to a folder')
    .requiredOption('-o, --out <dir>', 'the folder to write to (created if missing)')
    .option('--json', 'print the row counts as JSON')
    .action(async (flags: { out: string; json?: boolean }) => {
      await withDatabase(async (database, config) => {
        const env = queryEnvFor(database, config);
        const comparisons = [];
        for (const scorer of SCORER_KINDS) comparisons.push(...(await runCompare(env, { scorer })));
        const counts = await exportCsv(database.db, flags.out, comparisons);
        if (flags.json) printJson({ out: flags.out, rows: counts });
        else say(`wrote ${flags.out}/documents.csv (${counts.documents} rows), chunks.csv (${counts.chunks}), positions.csv (${counts.positions})`);
      });
    });
}
