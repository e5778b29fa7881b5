import type { Command } from 'commander';
import { runEvidence } from '../../app/compare/service.ts';
import { withDatabase } from '../context.ts';
import { describeDetails, scorerOptionHelp } from '../scorer-option.ts';
import { intOption } from '../options.ts';
import { printJson } from '../output.ts';
import { queryEnvFor } from '../query-env.ts';
import { summaryOf } from '../command-index.ts';

/** `stance evidence`: the passages of a source most strongly on one pole, quoted exactly. */
export function registerEvidence(program: Command): void {
  program
    .command('evidence')
    .description(summaryOf('evidence'))
    .requiredOption('--source <name>', 'the source, e.g. "ITU"')
    .requiredOption('-a, --axis <slug>', 'the axis')
    .requiredOption('-p, --pole <slug>', 'the pole, e.g. sovereignty')
    .option('-s, --scorer <name>', scorerOptionHelp())
    .option('-k, --limit <n>', 'how many passages', intOption('--limit'), 5)
    .option('--json', 'print as JSON')
    .action(async (flags: { source: string; axis: string; pole: string; scorer?: string; limit: number; json?: boolean }) => {
      await withDatabase(async (database, config) => {
        const result = await runEvidence(queryEnvFor(database, config), { ...flags, scorer: flags.scorer });
        if (flags.json) return printJson(result);
        console.log(`${result.source} on ${result.axis}, pole ${result.pole} (scorer ${result.scorer})`);
        if (result.passages.length === 0) console.log(`\nNo passage of ${result.source} is labelled ${result.pole}.`);
        for (const [i, p] of result.passages.entries()) {
          console.log(`\n${i + 1}. score ${p.score.toFixed(3)}, relevance ${p.relevance.toFixed(3)} - document ${p.document_id}: ${p.title ?? '(untitled)'}${p.date ? ` (${p.date})` : ''}`);
          if (p.url) console.log(`   ${p.url}`);
          console.log(`   chunk ${p.chunk_id}, characters ${p.start}-${p.end}:`);
          console.log(`   "${p.quote.replace(/\s*\n\s*/g, ' ')}"`);
          const why = describeDetails(p.details);
          if (why) console.log(`   ${why}`);
        }
      });
    });
}
