import type { Command } from 'commander';
import { evidenceFor } from '../../app/compare/evidence.ts';
import { resolveScope } from '../../app/compare/resolve.ts';
import { withDatabase } from '../context.ts';
import { describeDetails } from '../scorer-option.ts';
import { configuredAxes } from '../runtime.ts';
import { projectFile } from '../../config/project-files.ts';
import { summaryOf } from '../command-index.ts';
import { programWith } from '../program.ts';
import { listScorers, type ScorerListing } from '../../app/scorers/listing.ts';

const SEED_MANIFEST = projectFile('seeds/manifest.json');
const QUOTE_CHARS = 220;

/** `stance demo` (npm start): the main job on the seed corpus, from a fresh checkout. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(summaryOf('demo'))
    .action(async () => {
      // The run's program has only this command loaded; each step runs in a program with its own.
      await (await programWith(['ingest'])).parseAsync(['ingest', '--manifest', SEED_MANIFEST], { from: 'user' });
      if (process.exitCode) return;
      await (await programWith(['compare'])).parseAsync(['compare'], { from: 'user' });
      if (process.exitCode) return;
      await printEvidence();
    });
}

/**
 * A store filled before the models were available keeps its scores: the seed documents are then
 * duplicates, nothing is scored again, and compare goes on reading a model-free scorer. Say so,
 * and how to add the missing scores, rather than leave the user to think the models ran.
 */
export function unscoredModelNote(scorers: readonly ScorerListing[]): string | undefined {
  const missing = scorers.filter((s) => s.available && !s.scored && s.needs_models.length > 0).map((s) => s.name);
  if (missing.length === 0) return undefined;
  return (
    `note: ${missing.join(' and ')} can run on this machine (the models are here), but this store has no scores of ${missing.length > 1 ? 'their' : 'its'} current version: ` +
    'its documents were scored before the models were available (or with other settings), and stored documents are not scored again. ' +
    '`stance rescore` adds the missing scores (only those); compare then reads them.'
  );
}

/** The strongest passage of each pole (any source), with the terms that made its label when the scorer keeps them. */
async function printEvidence(): Promise<void> {
  await withDatabase(async (database, config) => {
    console.log('\nEvidence: the passage most strongly on each pole (`stance evidence --source S --axis A --pole P` for more)');
    for (const axis of configuredAxes(config)) {
      const scope = await resolveScope(database.db, config, axis, undefined);
      for (const pole of axis.poles) {
        const [p] = await evidenceFor(database.db, scope, null, pole.slug, 1);
        if (!p) {
          console.log(`\n${axis.slug} / ${pole.slug}: no passage labelled ${pole.slug}`);
          continue;
        }
        const quote = p.quote.replace(/\s+/g, ' ').trim();
        console.log(`\n${axis.slug} / ${pole.slug}: ${p.source}, document ${p.document_id}, chunk ${p.chunk_id} (score ${p.score.toFixed(3)}, relevance ${p.relevance.toFixed(3)})`);
        console.log(`  "${quote.length > QUOTE_CHARS ? `${quote.slice(0, QUOTE_CHARS - 3)}...` : quote}"`);
        const why = describeDetails(p.details);
        if (why) console.log(`  ${why}`);
      }
    }
    const note = unscoredModelNote(await listScorers(database.db, config));
    if (note) console.error(`\n${note}`);
  });
}
