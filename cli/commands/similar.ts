import { Option, type Command } from 'commander';
import { runSimilar } from '../../app/compare/service.ts';
import { withDatabase } from '../context.ts';
import { describeDetails, scorerOptionHelp } from '../scorer-option.ts';
import { idOption, intOption } from '../options.ts';
import { printJson } from '../output.ts';
import { queryEnvFor } from '../query-env.ts';
import { summaryOf } from '../command-index.ts';

/** `stance similar`: nearest passages by exact cosine, each with its stance on every axis. */
export function registerSimilar(program: Command): void {
  program
    .command('similar')
    .description(summaryOf('similar'))
    .option('-t, --text <text>', 'a passage to search for (embedded with the embedding model)')
    .option('-c, --chunk <id>', 'a stored chunk id', idOption('--chunk'))
    // Only a stored chunk has a source to leave out; with --text the flag would be ignored.
    .addOption(new Option('--other-sources', "only passages from sources other than the chunk's (with --chunk)").conflicts('text'))
    .option('-s, --scorer <name>', scorerOptionHelp())
    .option('-k, --limit <n>', 'how many passages', intOption('--limit'), 5)
    .option('--json', 'print as JSON')
    .action(async (flags: { text?: string; chunk?: number; otherSources?: boolean; scorer?: string; limit: number; json?: boolean }) => {
      await withDatabase(async (database, config) => {
        const result = await runSimilar(queryEnvFor(database, config), {
          text: flags.text,
          chunk: flags.chunk,
          otherSources: flags.otherSources ?? false,
          scorer: flags.scorer,
          limit: flags.limit,
        });
        if (flags.json) return printJson(result);
        console.log(`Closest passages to ${flags.chunk !== undefined ? `chunk ${flags.chunk}` : 'the text'} (stances from ${result.scorer}):`);
        for (const [i, p] of result.passages.entries()) {
          const stances = Object.entries(p.stances)
            .map(([axis, s]) => `${axis}: ${s.label} (${s.score >= 0 ? '+' : ''}${s.score.toFixed(2)})`)
            .join('; ');
          console.log(`\n${i + 1}. cosine ${p.similarity.toFixed(3)} - ${p.source}, document ${p.document_id}: ${p.title ?? '(untitled)'} [chunk ${p.chunk_id}]`);
          console.log(`   ${stances}`);
          for (const [axis, st] of Object.entries(p.stances)) {
            const why = describeDetails(st.details);
            if (why) console.log(`   ${axis} ${why}`);
          }
          console.log(`   "${p.text.replace(/\s*\n\s*/g, ' ').slice(0, 300)}${p.text.length > 300 ? '...' : ''}"`);
        }
      });
    });
}
