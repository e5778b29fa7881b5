import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { ingestDocuments, type IngestInput, type IngestOutcome } from '../../app/ingest.ts';
import { resolveManifestFile } from '../../app/manifest-files.ts';
import { recordAliases, type AliasOutcome } from '../../app/sources.ts';
import { ManifestError, parseManifest, type ManifestDefaults } from '../../pipeline/manifest.ts';
import { documentMetaSchema } from '../../pipeline/document-meta.ts';
import { describeZodError } from '../../pipeline/issues.ts';
import { flagName, UsageError } from '../options.ts';
import { ConfigError, loadConfig } from '../../config/config.ts';
import { withDatabase } from '../context.ts';
import { processQueuedInline, queueDocuments } from '../process-after-ingest.ts';
import { printJson, say } from '../output.ts';
import { summaryOf } from '../command-index.ts';

interface IngestFlags {
  source?: string;
  actor?: string;
  actorType?: string;
  title?: string;
  date?: string;
  url?: string;
  lang?: string;
  kind?: string;
  manifest?: string;
  json?: boolean;
  process?: boolean;
  allowOutsideManifestDir?: boolean;
}

/** `stance ingest`: add documents with their metadata; duplicates and bad files are reported, not fatal. */
export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description(summaryOf('ingest'))
    .argument('[files...]', 'text, Markdown or HTML files')
    .option('-s, --source <name>', 'the source the files speak for (required with files), e.g. "ITU"; with --manifest, the source of entries that name none')
    .option('--actor <name>', 'the speaker or author within the source')
    .option('--actor-type <type>', 'kind of actor: state, intergovernmental, civil society, industry, technical...')
    .option('--title <title>', 'document title')
    .option('--date <date>', 'publication date: YYYY, YYYY-MM or YYYY-MM-DD')
    .option('--url <url>', 'where the document was published')
    .option('--lang <tag>', 'language tag, e.g. en')
    .option('--kind <kind>', 'speech, declaration, mission statement...')
    .option('-m, --manifest <file>', 'a manifest (.json or .jsonl) listing files and their metadata')
    .option('--allow-outside-manifest-dir', "let manifest entries name files outside the manifest's folder (absolute paths, ../, symlinks)")
    .option('--json', 'print the outcome of every file as JSON')
    .option('--no-process', 'only store the documents; do not chunk, embed and score them now')
    .addHelpText(
      'after',
      '\nManifest paths are relative to the manifest and must stay inside its folder unless --allow-outside-manifest-dir.\nWith --manifest, --source and the other metadata options are defaults for the entries that leave the field out.\n\nExamples:\n  stance ingest --manifest seeds/manifest.json\n  stance ingest speech.txt --source ITU --date 2013-10-17 --title "Seoul opening speech"',
    )
    .action(async (files: string[], flags: IngestFlags) => {
      if (files.length === 0 && !flags.manifest) {
        say('Nothing to ingest: give files or --manifest <file>. See `stance ingest --help`.');
        process.exitCode = 2;
        return;
      }
      const flagMeta = { source: flags.source, actor: flags.actor, actorType: flags.actorType, title: flags.title, date: flags.date, url: flags.url, language: flags.lang, kind: flags.kind };
      // A bad flag is the same mistake for every file (or manifest entry): refused once, before any.
      const given = documentMetaSchema.partial().safeParse(flagMeta);
      if (!given.success) throw new UsageError(`${describeZodError(given.error, flagName)}; nothing was ingested`);
      const inputs: IngestInput[] = files.map((file) => ({ file, meta: flagMeta }));
      const early: IngestOutcome[] = [];
      let aliases: Record<string, string> = {};
      if (flags.manifest) {
        // Metadata flags given with --manifest fill in what an entry leaves out (its own values win).
        const defaults = { source: flags.source, actor: flags.actor, actor_type: flags.actorType, title: flags.title, date: flags.date, url: flags.url, language: flags.lang, kind: flags.kind };
        const read = await readManifest(flags.manifest, flags.allowOutsideManifestDir === true, defaults);
        inputs.push(...read.inputs);
        early.push(...read.failures);
        aliases = read.aliases;
      }
      const config = loadConfig();
      if (config.redisUrl && !config.databaseUrl && flags.process !== false) {
        // Workers run in other processes, and the embedded database belongs to one process.
        throw new ConfigError('REDIS_URL is set but DATABASE_URL is not: queue workers need a Postgres server. Set DATABASE_URL, or unset REDIS_URL to process inline.');
      }
      const { outcomes, failedProcessing } = await withDatabase(async (database) => {
        const stored = [...early, ...(await ingestDocuments(database.db, inputs, { maxDocBytes: config.maxDocBytes }))];
        // After the documents: an alias is recorded for a canonical source that now exists.
        const aliasOutcomes = await recordAliases(database.db, aliases);
        report(stored, aliasOutcomes, flags.json === true);
        if (flags.process === false) return { outcomes: stored, failedProcessing: 0 };
        const created = stored.flatMap((o) => (o.status === 'created' ? [o.documentId] : []));
        if (config.redisUrl) {
          await queueDocuments(config, created);
          say(`queued ${created.length} document(s) for the workers; follow them with \`stance status\``);
          return { outcomes: stored, failedProcessing: 0 };
        }
        const results = await processQueuedInline(database);
        if (results.length) say(`processed ${results.length} document(s): ${results.filter((r) => r.status === 'done').length} done, ${results.filter((r) => r.status === 'failed').length} failed`);
        return { outcomes: stored, failedProcessing: results.filter((r) => r.status === 'failed').length };
      });
      if (outcomes.some((o) => o.status === 'failed') || failedProcessing > 0) process.exitCode = 1;
    });
}

async function readManifest(
  path: string,
  allowOutside: boolean,
  defaults: ManifestDefaults,
): Promise<{ inputs: IngestInput[]; failures: IngestOutcome[]; aliases: Record<string, string> }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ManifestError(`${path}: cannot read the manifest (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
  const { entries, errors, aliases } = parseManifest(text, path, defaults);
  const base = dirname(resolve(path));
  const inputs: IngestInput[] = [];
  // The line says where once: an entry without a usable file is named by its place in the manifest.
  const failures: IngestOutcome[] = errors.map((e) => ({
    file: e.file ?? `${path} ${e.where}`,
    status: 'failed' as const,
    problem: 'manifest' as const,
    message: e.file === undefined ? e.message : `${path} ${e.where}: ${e.message}`,
  }));
  for (const e of entries) {
    const resolved = await resolveManifestFile(base, e.file, allowOutside);
    if (resolved.ok) inputs.push({ file: relative(process.cwd(), resolved.path), meta: e.meta });
    else failures.push({ file: e.file, status: 'failed', problem: 'outside-manifest-dir', message: `${path} ${e.where}: ${resolved.message}` });
  }
  return { inputs, failures, aliases };
}

/** An outcome as the JSON answer spells it (snake_case, like every JSON answer). */
function outcomeJson(o: IngestOutcome): Record<string, unknown> {
  if (o.status === 'created') return { file: o.file, status: o.status, document_id: o.documentId, source: o.source, bytes: o.bytes, removed_lines: o.removedLines, ...(o.notes ? { notes: o.notes } : {}) };
  if (o.status === 'duplicate') return { file: o.file, status: o.status, document_id: o.documentId, source: o.source };
  return { file: o.file, status: o.status, problem: o.problem, message: o.message };
}

function report(outcomes: IngestOutcome[], aliases: AliasOutcome[], json: boolean): void {
  const summary = {
    created: outcomes.filter((o) => o.status === 'created').length,
    duplicate: outcomes.filter((o) => o.status === 'duplicate').length,
    failed: outcomes.filter((o) => o.status === 'failed').length,
  };
  if (json) {
    printJson({ summary, results: outcomes.map(outcomeJson), ...(aliases.length ? { aliases } : {}) });
    return;
  }
  for (const o of outcomes) {
    if (o.status === 'created') {
      say(`created    document ${o.documentId} (${o.source}) from ${o.file}`);
      for (const note of o.notes ?? []) say(`           note: ${note}`);
    } else if (o.status === 'duplicate') {
      say(`duplicate  ${o.file}: duplicate of document ${o.documentId} (${o.source}); nothing created`);
    } else {
      say(`failed     ${o.file}: ${o.message}`);
    }
  }
  for (const a of aliases) {
    if (a.action === 'added') say(`alias      "${a.alias}" -> ${a.source}${a.source_created ? ' (a new source: no document is filed under it yet)' : ''}`);
    else if (a.action === 'renamed') say(`renamed    source "${a.alias}" to ${a.source} (the old name is now an alias)`);
    else if (a.action === 'merged') say(`merged     source "${a.alias}" into ${a.source} (${a.documents_moved} document(s) moved; the name is now an alias)`);
    else if (a.action === 'skipped') say(`alias      skipped: ${a.reason}`);
  }
  say(`${summary.created} created, ${summary.duplicate} duplicate${summary.duplicate === 1 ? '' : 's'}, ${summary.failed} failed`);
}
