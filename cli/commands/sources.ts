import type { Command } from 'commander';
import { listSources, mergeSources, renameSource } from '../../app/sources.ts';
import { withDatabase } from '../context.ts';
import { formatTable, printJson, say } from '../output.ts';
import { summaryOf } from '../command-index.ts';

/** `stance sources`: list sources with their aliases; merge and rename them. */
export function registerSources(program: Command): void {
  const cmd = program
    .command('sources')
    // Its own options (--json, --source) come before a subcommand; after one they are the subcommand's.
    .enablePositionalOptions()
    .description(summaryOf('sources'))
    .option('--json', 'print as JSON: {sources: [{name, actor_type, documents, aliases}]}')
    .action(async (flags: { json?: boolean }) => {
      const list = await withDatabase(({ db }) => listSources(db));
      if (flags.json) return printJson({ sources: list });
      if (list.length === 0) {
        console.log('No sources yet. Add documents with `stance ingest`.');
        return;
      }
      console.log(formatTable(['source', 'documents', 'actor type', 'aliases'], list.map((s) => [s.name, s.documents, s.actor_type ?? '', s.aliases.join('; ')])));
    });

  cmd
    .command('merge')
    .description('merge source A into source B: A\'s documents and aliases move to B, and A becomes an alias of B')
    .argument('<from>', 'the source to merge away (name or alias)')
    .argument('<into>', 'the source that stays (name or alias)')
    .option('--json', 'print what was done as JSON')
    .addHelpText('after', '\nExample:\n  stance sources merge "International Telecommunication Union (ITU)" ITU')
    .action(async (from: string, into: string, flags: { json?: boolean }) => {
      const r = await withDatabase(({ db }) => mergeSources(db, from, into));
      if (flags.json) return printJson(r);
      say(`merged "${r.from}" into "${r.into}": ${r.documents_moved} document(s) moved; aliases of "${r.into}": ${r.aliases.join('; ')}`);
    });

  cmd
    .command('rename')
    .description('rename a source; the old name becomes an alias, so manifests that use it still land here')
    .argument('<old>', 'the current name (or an alias)')
    .argument('<new>', 'the new name (must not be another source: merge then)')
    .option('--json', 'print what was done as JSON')
    .action(async (oldName: string, newName: string, flags: { json?: boolean }) => {
      const r = await withDatabase(({ db }) => renameSource(db, oldName, newName));
      if (flags.json) return printJson(r);
      say(`renamed "${r.from}" to "${r.to}"; aliases: ${r.aliases.join('; ')}`);
    });
}
