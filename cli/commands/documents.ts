import type { Command } from 'commander';
import { deleteDocuments, listDocuments, updateDocument, type DocumentUpdate } from '../../app/documents.ts';
import { DOCUMENT_STATUSES } from '../../db/schema/index.ts';
import { ConfigError } from '../../config/config.ts';
import { withDatabase } from '../context.ts';
import { documentIdArgs, intOption, dateLanguageOptions } from '../options.ts';
import { formatTable, printJson, say } from '../output.ts';
import { removeJobsOfDeleted } from '../process-after-ingest.ts';
import { summaryOf } from '../command-index.ts';

interface ListFlags {
  source?: string[];
  status?: string;
  from?: string;
  to?: string;
  lang?: string;
  limit?: number;
  offset?: number;
  json?: boolean;
}

interface UpdateFlags {
  title?: string;
  date?: string;
  url?: string;
  lang?: string;
  actor?: string;
  actorType?: string;
  kind?: string;
  clear?: string[];
  json?: boolean;
}

const CLEARABLE = ['title', 'date', 'url', 'lang', 'actor', 'actor-type', 'kind'] as const;

/** `stance documents`: list, correct and delete stored documents. */
export function registerDocuments(program: Command): void {
  const cmd = dateLanguageOptions(program.command('documents'))
    // Its own options (--json, --source) come before a subcommand; after one they are the subcommand's.
    .enablePositionalOptions()
    .description(summaryOf('documents'))
    .option('--source <names...>', 'only documents of these sources (names or aliases)')
    .option('--status <status>', `only documents in this status: ${DOCUMENT_STATUSES.join(', ')}`)
    .option('--limit <n>', 'documents per page (default 50, at most 1000)', intOption('--limit'))
    .option('--offset <n>', 'documents to skip (the next page: --offset plus --limit)', intOption('--offset'))
    .option('--json', 'print as JSON: {total, limit, offset, documents: [...]}')
    .action(async (flags: ListFlags) => {
      const page = await withDatabase(({ db }) =>
        listDocuments(db, {
          sources: flags.source,
          status: flags.status as never,
          dateFrom: flags.from,
          dateTo: flags.to,
          language: flags.lang,
          limit: flags.limit,
          offset: flags.offset,
        }),
      );
      if (flags.json) return printJson(page);
      if (page.total === 0) {
        console.log('No documents match. Add some with `stance ingest`, or widen the filters.');
        return;
      }
      console.log(
        formatTable(
          ['id', 'source', 'status', 'chunks', 'date', 'actor type', 'title'],
          page.documents.map((d) => [d.id, d.source, d.status, d.chunks, d.date ?? '', d.actor_type ?? '', d.title ?? d.file_name ?? '']),
        ),
      );
      const last = page.offset + page.documents.length;
      console.log(`${page.offset + 1}-${last} of ${page.total} document(s)${last < page.total ? `; next page: --offset ${last}` : ''}`);
    });

  cmd
    .command('update')
    .description('correct the metadata of a document; its chunks and scores stay (they depend on the text only)')
    .argument('<id>', 'the document id (see `stance documents`)')
    .option('--title <title>', 'document title')
    .option('--date <date>', 'publication date: YYYY, YYYY-MM or YYYY-MM-DD')
    .option('--url <url>', 'where the document was published')
    .option('--lang <tag>', 'language tag, e.g. en')
    .option('--actor <name>', 'the speaker or author within the source')
    .option('--actor-type <type>', "this document's actor type (without it, the source's applies)")
    .option('--kind <kind>', 'speech, declaration, mission statement...')
    .option('--clear <fields...>', `empty these fields: ${CLEARABLE.join(', ')}`)
    .option('--json', 'print the updated document as JSON')
    .addHelpText('after', '\nThe source is changed with `stance sources merge` or `stance sources rename`.\n\nExample:\n  stance documents update 12 --date 2013-10-17 --title "Opening speech"')
    .action(async (arg: string, flags: UpdateFlags) => {
      const [id] = documentIdArgs([arg]) as [number];
      const changes: DocumentUpdate = {
        title: flags.title,
        date: flags.date,
        url: flags.url,
        language: flags.lang,
        actor: flags.actor,
        actor_type: flags.actorType,
        kind: flags.kind,
      };
      for (const field of flags.clear ?? []) {
        if (!(CLEARABLE as readonly string[]).includes(field)) throw new ConfigError(`--clear takes ${CLEARABLE.join(', ')}; got "${field}"`);
        const key = field === 'lang' ? 'language' : field === 'actor-type' ? 'actor_type' : field;
        if (changes[key as keyof DocumentUpdate] !== undefined) throw new ConfigError(`--${field} and --clear ${field} contradict each other; give one`);
        (changes as Record<string, null>)[key] = null;
      }
      const result = await withDatabase(({ db }) => updateDocument(db, id, changes));
      if (!result) throw new ConfigError(`document ${id} does not exist (see \`stance documents\` for ids)`);
      if (flags.json) return printJson(result);
      say(`updated document ${id}: ${result.changed.join(', ')} (updated_at ${result.document.updated_at})`);
    });

  cmd
    .command('delete')
    .description('delete documents with their chunks, embeddings and scores (one transaction), and their queue jobs when REDIS_URL is set')
    .argument('<id...>', 'document ids (see `stance documents`)')
    .option('--dry-run', 'only say what would be deleted')
    .option('--json', 'print what was (or would be) deleted as JSON')
    .action(async (args: string[], flags: { dryRun?: boolean; json?: boolean }) => {
      const ids = documentIdArgs(args);
      const dryRun = flags.dryRun === true;
      await withDatabase(async ({ db }, config) => {
        const result = await deleteDocuments(db, ids, { dryRun });
        let queue: { jobs: Awaited<ReturnType<typeof removeJobsOfDeleted>> | null; error: string | null } = { jobs: null, error: null };
        if (!dryRun && config.redisUrl) {
          queue = await removeJobsOfDeleted(config, db, result.deleted).then(
            (jobs) => ({ jobs, error: null }),
            (err: Error) => ({ jobs: null, error: `${err.message.replace(/^the documents are stored but could not be queued: /, '').split('. They stay')[0]}; their jobs fail on the missing document when they run` }),
          );
        }
        if (flags.json) {
          printJson({ dry_run: dryRun, ...result, ...(config.redisUrl && !dryRun ? { queue_jobs: queue.jobs, queue_error: queue.error } : {}) });
        } else {
          const verb = dryRun ? 'would delete' : 'deleted';
          for (const d of result.deleted) {
            say(`${verb} document ${d.id} (${d.source}${d.title ? `: ${d.title}` : ''}): ${d.chunks} chunk(s), ${d.embeddings} embedding(s), ${d.stance_scores} score(s)`);
          }
          for (const id of result.not_found) say(`document ${id} does not exist (see \`stance documents\` for ids)`);
          for (const j of queue.jobs ?? []) if (j.active.length) say(`document ${j.document_id}: job(s) ${j.active.join(', ')} are running and stay; they fail on the missing document`);
          if (queue.error) say(`removing queue jobs failed: ${queue.error}`);
        }
        if (result.not_found.length) process.exitCode = 1;
      });
    });
}
