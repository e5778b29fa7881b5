import { Option, type Command } from 'commander';
import { EXPORT_FORMATS, exportTables, type ExportFormat } from '../../app/compare/export.ts';
import { runCompare } from '../../app/compare/service.ts';
import { scorersWithScores } from '../../app/scorers/index.ts';
import { withDatabase } from '../context.ts';
import { printJson, say } from '../output.ts';
import { queryEnvFor } from '../query-env.ts';
import { summaryOf } from '../command-index.ts';

/** `stance export`: tables for R, pandas or a spreadsheet. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description(summaryOf('export'))
    .requiredOption('-o, --out <dir>', 'the folder to write to (created if missing)')
    .option('-s, --scorer <name>', 'positions and pairs of this scorer only (default: every scorer with scores; chunks always has all)')
    .addOption(new Option('--format <format>', 'file format').choices(EXPORT_FORMATS).default('csv'))
    .option('--json', 'print the row counts as JSON')
    .action(async (flags: { out: string; scorer?: string; format: ExportFormat; json?: boolean }) => {
      await withDatabase(async (database, config) => {
        const env = queryEnvFor(database, config);
        const comparisons = [];
        const names = flags.scorer ? [flags.scorer] : (await scorersWithScores(database.db, config)).map((s) => s.ref.name);
        for (const scorer of names) comparisons.push(...(await runCompare(env, { scorer })));
        const counts = await exportTables(database.db, flags.out, comparisons, flags.format);
        if (flags.json) printJson({ out: flags.out, format: flags.format, rows: counts });
        else say(`wrote ${Object.entries(counts).map(([t, n]) => `${t}.${flags.format} (${n} rows)`).join(', ')} to ${flags.out}`);
      });
    });
}
