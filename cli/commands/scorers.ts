import type { Command } from 'commander';
import { defaultScorerName, profileGap } from '../../app/scorers/index.ts';
import { listScorers } from '../../app/scorers/listing.ts';
import { withDatabase } from '../context.ts';
import { formatTable, printJson } from '../output.ts';
import { summaryOf } from '../command-index.ts';

/** `stance scorers`: every scorer with its version, whether it can run here, and its latest eval. */
export function registerScorers(program: Command): void {
  program
    .command('scorers')
    .description(summaryOf('scorers'))
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(async (database, config) => {
        const scorers = await listScorers(database.db, config);
        const chosen = await defaultScorerName(database.db, config);
        const refused = (await profileGap(database.db, config)) ?? null;
        if (opts.json) {
          printJson({ default: chosen, default_refused: refused, scorers });
          return;
        }
        const f1 = (m: Record<string, number | null>) => Object.entries(m).map(([axis, v]) => `${axis} ${v === null ? 'n/a' : v.toFixed(3)}`).join(', ');
        console.log(
          formatTable(
            ['scorer', 'version', 'needs models', 'available', 'scored', 'latest eval (macro-F1)'],
            scorers.map((s) => [
              s.name,
              s.version ?? '-',
              s.needs_models.join(', ') || 'no',
              s.available ? 'yes' : 'no',
              s.scored ? 'yes' : 'no',
              s.latest_eval
                ? `${s.latest_eval.split} of ${s.latest_eval.set_file} (run ${s.latest_eval.run_id}${s.latest_eval.fitted_on_evaluated_split ? ', in-sample' : ''}): ${f1(s.latest_eval.macro_f1)}`
                : '-',
            ]),
          ),
        );
        for (const s of scorers) if (!s.available) console.log(`\n${s.name}: ${s.availability}`);
        for (const s of scorers) if (s.latest_eval?.in_sample_note) console.log(`\n${s.name}, eval run ${s.latest_eval.run_id}: ${s.latest_eval.in_sample_note}`);
        const why = config.scorer ? 'set by STANCE_SCORER' : 'the transformer scorers when they have scores, else the best dev cross-validated macro-F1';
        if (refused) console.log(`\nQueries without --scorer refuse: ${refused}.`);
        else console.log(chosen ? `\nQueries read ${chosen} (${why}) unless --scorer names one.` : '\nNothing is scored yet: ingest documents or run `stance rescore`.');
      });
    });
}
