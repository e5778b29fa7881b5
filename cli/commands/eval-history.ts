import type { Command } from 'commander';
import { EvalInputError } from '../../app/eval-errors.ts';
import { listEvalRuns } from '../../app/eval-runs.ts';
import { withDatabase } from '../context.ts';
import { formatTable, printJson, say } from '../output.ts';
import { evalAction, fmt } from './eval-shared.ts';

interface HistoryFlags {
  json?: boolean;
  limit?: string;
}

/** `stance eval history`: the stored eval runs, to see how the numbers changed. */
export function registerEvalHistory(evalCommand: Command): void {
  evalCommand
    .command('history')
    .description('list the stored eval runs, oldest first: one row per run and axis')
    .option('--limit <n>', 'only the most recent n runs')
    .option('--json', 'print the runs as JSON (with models, axis versions and settings)')
    .action(
      evalAction(async (_flags: HistoryFlags, command: Command) => {
        const flags = command.optsWithGlobals<HistoryFlags>();
        const limit = flags.limit === undefined ? undefined : Number(flags.limit);
        if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
          throw new EvalInputError(`--limit must be a whole number greater than 0, got "${flags.limit}"`);
        }
        await withDatabase(async ({ db }) => {
          const runs = await listEvalRuns(db, limit);
          if (flags.json) {
            printJson({
              runs: runs.map((r) => ({
                id: r.id,
                created_at: r.createdAt.toISOString(),
                set_hash: r.setHash,
                set_file: r.setFile,
                split: r.split,
                scorer: r.scorer,
                profile: r.profile,
                models: r.models,
                axis_versions: r.axisVersions,
                settings: r.settings,
                n_items: r.nItems,
                axes: Object.fromEntries(
                  Object.entries(r.metrics).map(([slug, m]) => [slug, { n: m.n, accuracy: m.accuracy, macro_f1: m.macro_f1, kappa: m.kappa, ece: m.ece }]),
                ),
              })),
            });
            return;
          }
          if (runs.length === 0) {
            say('No eval runs stored yet: run `stance eval --set FILE`.');
            return;
          }
          console.log(
            formatTable(
              ['run', 'date', 'set', 'split', 'scorer', 'profile', 'model', 'axis', 'n', 'accuracy', 'macro-F1', 'kappa', 'ECE'],
              runs.flatMap((r) =>
                Object.entries(r.metrics).map(([slug, m]) => [
                  r.id,
                  r.createdAt.toISOString().slice(0, 16).replace('T', ' '),
                  r.setHash.slice(0, 8),
                  r.split,
                  r.scorer,
                  r.profile ?? '-',
                  // A model-free scorer has its own version (the lexicon's hash) instead of a model.
                  r.settings.scorer_key ?? (r.scorer === 'nli' ? r.models.nli.name : r.models.embed.name),
                  slug,
                  m.n,
                  fmt(m.accuracy),
                  fmt(m.macro_f1),
                  fmt(m.kappa),
                  fmt(m.ece),
                ]),
              ),
            ),
          );
        });
      }),
    );
}
