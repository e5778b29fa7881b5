import type { Command } from 'commander';
import { exportCsv } from '../../app/compare/export.ts';
import { runCompare } from '../../app/compare/service.ts';
import { scorersWithScores } from '../../app/scorers/index.ts';
import { withDatabase } from '../context.ts';
import { printJson, say } from '../output.ts';
import { queryEnvFor } from '../query-env.ts';

/** `stance export`: CSV files for R, pandas or a spreadsheet. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write documents.csv, chunks.csv (every chunk with its scores) and positions.csv to a folder')
    .requiredOption('-o, --out <dir>', 'the folder to write to (created if missing)')
    .option('-s, --scorer <name>', 'positions of this scorer only (default: every scorer with scores; chunks.csv always has all)')
    .option('--json', 'print the row counts as JSON')
    .action(async (flags: { out: string; scorer?: string; json?: boolean }) => {
      await withDatabase(async (database, config) => {
        const env = queryEnvFor(database, config);
        const comparisons = [];
        const names = flags.scorer ? [flags.scorer] : (await scorersWithScores(database.db, config)).map((s) => s.ref.name);
        for (const scorer of names) comparisons.push(...(await runCompare(env, { scorer })));
        const counts = await exportCsv(database.db, flags.out, comparisons);
        if (flags.json) printJson({ out: flags.out, rows: counts });
        else say(`wrote ${flags.out}/documents.csv (${counts.documents} rows), chunks.csv (${counts.chunks}), positions.csv (${counts.positions})`);
      });
    });
}
