import type { Command } from 'commander';

/** A top-level command: what `stance --help` lists, and the module that defines it. */
export interface CommandEntry {
  name: string;
  /** What follows the name in the command list: its options and arguments (as commander prints them). */
  usage: string;
  /** The one-line description, in the list and in the command's own help. */
  summary: string;
  /** Loads the command's module (its options, subcommands and action) and returns its register function. */
  load: () => Promise<(program: Command) => void>;
}

/**
 * Every top-level command, in the order `stance --help` lists them. A start loads only the module
 * of the command it runs: the others are listed from here (name, usage, summary), so `stance
 * --help` or `stance axes` do not load the code of twenty commands (test/unit/cli-lazy-program.test.ts
 * checks this list against the commands themselves).
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'ingest',
    usage: '[options] [files...]',
    summary: 'add documents (.txt, .md, .html) with their metadata to the store',
    load: async () => (await import('./commands/ingest.ts')).registerIngest,
  },
  {
    name: 'status',
    usage: '[options]',
    summary: 'show documents by source and processing status, the progress of unfinished documents and, with REDIS_URL, the queues',
    load: async () => (await import('./commands/status.ts')).registerStatus,
  },
  {
    name: 'process',
    usage: '[options]',
    summary:
      'process queued documents and stuck ones (processing with no live job): inline, or by queueing them for the workers when REDIS_URL is set; --failed also retries failed ones',
    load: async () => (await import('./commands/process.ts')).registerProcess,
  },
  {
    name: 'retry',
    usage: '[options] <document-id...>',
    summary: 'process the given failed or stuck documents again: inline, or through the queue when REDIS_URL is set',
    load: async () => (await import('./commands/retry.ts')).registerRetry,
  },
  {
    name: 'documents',
    usage: '[options]',
    summary: 'list stored documents (paged, filterable); `documents update` corrects metadata, `documents delete` removes documents',
    load: async () => (await import('./commands/documents.ts')).registerDocuments,
  },
  {
    name: 'sources',
    usage: '[options]',
    summary: 'list the sources with their document counts, aliases and actor types; `sources merge` and `sources rename` change them',
    load: async () => (await import('./commands/sources.ts')).registerSources,
  },
  {
    name: 'worker',
    usage: '[options]',
    summary: 'run BullMQ workers for the documents and inference queues (needs REDIS_URL and DATABASE_URL)',
    load: async () => (await import('./commands/worker.ts')).registerWorker,
  },
  {
    name: 'rescore',
    usage: '[options]',
    summary: 'score stored chunks with the current axes and models; only missing (chunk, axis version, scorer version) scores are computed',
    load: async () => (await import('./commands/rescore.ts')).registerRescore,
  },
  {
    name: 'axes',
    usage: '[options]',
    summary: 'list the stance axes (from STANCE_AXES_FILE or config/axes.json) with their versions',
    load: async () => (await import('./commands/axes.ts')).registerAxes,
  },
  {
    name: 'scorers',
    usage: '[options]',
    summary: 'list the scorers: kind, version, the models they need, whether they can run here, latest eval macro-F1',
    load: async () => (await import('./commands/scorers.ts')).registerScorers,
  },
  {
    name: 'compare',
    usage: '[options]',
    summary: 'where each source (or document, or actor) stands on an axis, with 95% bootstrap intervals and pairwise differences',
    load: async () => (await import('./commands/compare.ts')).registerCompare,
  },
  {
    name: 'evidence',
    usage: '[options]',
    summary: 'the passages of a source that most strongly take one pole of an axis, quoted from the stored text',
    load: async () => (await import('./commands/evidence.ts')).registerEvidence,
  },
  {
    name: 'similar',
    usage: '[options]',
    summary: 'the stored passages closest in meaning to a text or a chunk (exact cosine), with their stance on every axis',
    load: async () => (await import('./commands/similar.ts')).registerSimilar,
  },
  {
    name: 'export',
    usage: '[options]',
    summary: 'write documents, chunks (every chunk with its scores and document metadata), positions and pairs to a folder, as CSV, JSON Lines or Parquet',
    load: async () => (await import('./commands/export.ts')).registerExport,
  },
  {
    name: 'map',
    usage: '[options]',
    summary: 'draw the groups on two axes (x and y) with 95% interval whiskers, as SVG',
    load: async () => (await import('./commands/map.ts')).registerMap,
  },
  {
    name: 'db',
    usage: '',
    summary: 'manage the database schema',
    load: async () => (await import('./commands/db.ts')).registerDb,
  },
  {
    name: 'demo',
    usage: '',
    summary: 'the main job: ingest and score the seed corpus (seeds/manifest.json), compare its sources, and quote evidence for each pole',
    load: async () => (await import('./commands/demo.ts')).registerDemo,
  },
  {
    name: 'eval',
    usage: '[options]',
    summary: 'evaluate the stance labels against a hand-tagged gold set (see eval/README.md)',
    load: async () => (await import('./commands/eval.ts')).registerEval,
  },
  {
    name: 'train',
    usage: '[options]',
    summary:
      'train a classifier per axis (TF-IDF uni/bigrams + lexicon hits, multinomial logistic regression, C by grouped cross-validation) or, with --ensemble, a stacked ensemble; store it and/or write it to a file',
    load: async () => (await import('./commands/train.ts')).registerTrain,
  },
  {
    name: 'serve',
    usage: '[options]',
    summary:
      'serve the queries (compare, evidence, similar, axes, status) and document intake as a JSON HTTP API (routes at /openapi.json), and the web pages at /ui',
    load: async () => (await import('./commands/serve.ts')).registerServe,
  },
];

/** The summary of a top-level command, for its module's `.description()`: one text for both places. */
export function summaryOf(name: string): string {
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) throw new Error(`command ${name} is not in cli/command-index.ts`);
  return entry.summary;
}
