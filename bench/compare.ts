// Benchmark of the analyst queries (issue 4): fills a fresh store with synthetic chunks,
// embeddings and stance scores, then times compare, evidence and similar through the real query
// functions of app/compare/service.ts. Not a test: it reports numbers and never fails on them.
//
//   npx tsx bench/compare.ts [--chunks 100000] [--sources 8] [--dim 384] [--repeat 5] [--json]
//                            [--database-url URL | --embedded] [--keep] [--seed N]
//
// On a Postgres server it creates its own database (stance_bench_<random>) next to the one in
// the URL and drops it at the end, also on error or Ctrl-C (unless --keep). With --embedded it
// uses PGlite in a temporary folder, removed at the end.

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { parseConfig, type Config } from '../config/config.ts';
import { openDatabase, queryRows, redactUrl, type Database, type Db } from '../db/client.ts';
import { documents, sources } from '../db/schema/index.ts';
import { DEFAULT_ITERATIONS, DEFAULT_SEED } from '../app/compare/compare.ts';
import { fetchGroups } from '../app/compare/positions.ts';
import { compareManyGroups } from '../pipeline/stats/group-comparison.ts';
import { resolveScope } from '../app/compare/resolve.ts';
import { memoryNearest } from '../app/compare/nearest.ts';
import { runCompare, runEvidence, runSimilar, type QueryEnv } from '../app/compare/service.ts';
import { ensureRegistry, type Registry } from '../app/registry.ts';
import type { Axis } from '../pipeline/axes.ts';
import { loadAxesFile } from '../pipeline/load-axes.ts';
import { createRng, type Rng } from '../pipeline/stats/random.ts';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';
const CHUNKS_PER_DOCUMENT = 50;

const HELP = `Usage: tsx bench/compare.ts [options]

Fills a fresh database with synthetic chunks, embeddings and stance scores, then times the
analyst queries (compare, evidence, similar) through app/compare/service.ts.

Options:
  --chunks N            chunks to create (default 100000; ${CHUNKS_PER_DOCUMENT} per document)
  --sources S           sources the documents are spread over (default 8)
  --dim D               embedding dimension (default 384, as all-MiniLM-L6-v2)
  --repeat R            timed repetitions of each query after one warm-up (default 5)
  --seed N              seed of the synthetic data (default 1)
  --database-url URL    Postgres server to create the benchmark database on
                        (default: $DATABASE_URL, else ${DEFAULT_URL})
  --embedded            use an embedded PGlite store in a temporary folder instead
  --no-breakdown        skip the one-off breakdown of compare (SQL vs bootstrap vs pairs)
  --keep                keep the benchmark database (prints its URL) for EXPLAIN ANALYZE
  --json                print one JSON object instead of the table
  -h, --help            show this help
`;

interface Options {
  chunks: number;
  sources: number;
  dim: number;
  repeat: number;
  seed: number;
  databaseUrl: string;
  embedded: boolean;
  breakdown: boolean;
  keep: boolean;
  json: boolean;
}

class UsageError extends Error {
  override name = 'UsageError';
}

function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      chunks: { type: 'string' },
      sources: { type: 'string' },
      dim: { type: 'string' },
      repeat: { type: 'string' },
      seed: { type: 'string' },
      'database-url': { type: 'string' },
      embedded: { type: 'boolean', default: false },
      'no-breakdown': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const int = (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number >= ${min}, got "${raw}"`);
    return n;
  };
  const databaseUrl = values['database-url'] ?? (process.env.DATABASE_URL || DEFAULT_URL);
  if (values.embedded && values['database-url'] !== undefined) throw new UsageError('give either --embedded or --database-url, not both');
  if (!values.embedded && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new UsageError(`--database-url must start with postgres://, got "${redactUrl(databaseUrl)}"`);
  const opts: Options = {
    chunks: int('chunks', values.chunks, 100_000, 2),
    sources: int('sources', values.sources, 8, 1),
    dim: int('dim', values.dim, 384, 2),
    repeat: int('repeat', values.repeat, 5, 1),
    seed: int('seed', values.seed, 1, 0),
    databaseUrl,
    embedded: values.embedded,
    breakdown: !values['no-breakdown'],
    keep: values.keep,
    json: values.json,
  };
  if (Math.ceil(opts.chunks / CHUNKS_PER_DOCUMENT) < opts.sources) {
    throw new UsageError(`--chunks ${opts.chunks} makes fewer documents than --sources ${opts.sources}; give at least ${opts.sources * CHUNKS_PER_DOCUMENT} chunks`);
  }
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Progress goes to stderr, so --json output stays one clean object on stdout.

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function elapsed(start: number): number {
  return performance.now() - start;
}

// ---------------------------------------------------------------------------------------------
// The database: a fresh Postgres database on the server, or PGlite in a temporary folder.

interface BenchDatabase {
  database: Database;
  /** What the JSON names the store as, without any password. */
  label: string;
  /** Drops the database or removes the folder; safe to call more than once. */
  cleanup: () => Promise<void>;
}

/** The first call runs f; every call returns that one run's promise. */
function once(f: () => Promise<void>): () => Promise<void> {
  let run: Promise<void> | undefined;
  return () => (run ??= f());
}

async function createBenchDatabase(opts: Options): Promise<BenchDatabase> {
  if (opts.embedded) {
    const dataDir = mkdtempSync(join(tmpdir(), 'stance-bench-'));
    let database: Database | undefined;
    const cleanup = once(async () => {
      await database?.close().catch(() => {});
      if (opts.keep) progress(`kept the embedded database in ${dataDir}`);
      else rmSync(dataDir, { recursive: true, force: true });
    });
    try {
      database = await openDatabase({ dataDir, migrations: 'apply' });
    } catch (err) {
      await cleanup();
      throw err;
    }
    return { database, label: `pglite (${dataDir})`, cleanup };
  }

  const name = `stance_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(opts.databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(opts.databaseUrl);
  url.pathname = `/${name}`;
  let database: Database | undefined;
  const cleanup = once(async () => {
    await database?.close().catch(() => {});
    if (opts.keep) {
      progress(`kept the benchmark database: ${redactUrl(url.toString())} (drop database ${name} when done)`);
      return;
    }
    const a = postgres(opts.databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      await a.unsafe(`drop database if exists ${name} with (force)`);
    } finally {
      await a.end({ timeout: 5 });
    }
  });
  try {
    database = await openDatabase({ databaseUrl: url.toString(), dataDir: tmpdir(), migrations: 'apply' });
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { database, label: redactUrl(url.toString()), cleanup };
}

// ---------------------------------------------------------------------------------------------
// Synthetic data. Everything comes from one seeded generator, so a seed gives the same store.

const WORDS = (
  'internet governance states sovereignty multistakeholder security human rights cyberspace ' +
  'international cooperation development digital divide access infrastructure telecommunication ' +
  'union member countries policy framework civil society private sector technical community ' +
  'openness transparency accountability privacy freedom expression information crime terrorism ' +
  'norms responsible behaviour confidence building measures capacity trust resilience critical ' +
  'networks standards protocols names numbers root zone management public interest regulation ' +
  'treaty convention agreement declaration summit forum dialogue participation inclusive equal ' +
  'footing bottom up process decision making authority national jurisdiction interference ' +
  'affairs stability peace conflict attacks protection data flows economy innovation growth ' +
  'sustainable goals education health women youth rural connectivity affordable broadband'
).split(' ');

function gaussian(rng: Rng): number {
  // Box-Muller; 1 - next() is in (0, 1], so the log is finite.
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** A passage of 6 to 9 sentences of 10 to 20 words (about 100 words, 700 characters). */
function synthChunk(rng: Rng): { text: string; tokens: number } {
  const sentences: string[] = [];
  let words = 0;
  const n = 6 + rng.int(4);
  for (let s = 0; s < n; s++) {
    const len = 10 + rng.int(11);
    const w: string[] = [];
    for (let i = 0; i < len; i++) w.push(WORDS[rng.int(WORDS.length)] as string);
    const first = w[0] as string;
    w[0] = first.charAt(0).toUpperCase() + first.slice(1);
    sentences.push(`${w.join(' ')}.`);
    words += len;
  }
  return { text: sentences.join(' '), tokens: Math.round(words * 1.3) + n };
}

/** A Postgres array literal of whole numbers: '{1,2,3}'. */
function intArray(values: ArrayLike<number>): string {
  return `{${Array.from(values).join(',')}}`;
}

/**
 * A Postgres array literal of numbers in [-1, 1] with six decimals: '{0.051234,-1.0}'. Written
 * byte by byte: Number#toString over 38 million floats takes about 10 s, this about 1.5 s.
 */
function unitArray(values: ArrayLike<number>): string {
  const buf = Buffer.allocUnsafe(values.length * 11 + 2);
  let p = 0;
  buf[p++] = 0x7b; // {
  for (let i = 0; i < values.length; i++) {
    if (i > 0) buf[p++] = 0x2c; // ,
    let k = Math.round((values[i] as number) * 1e6);
    if (k < 0) {
      buf[p++] = 0x2d; // -
      k = -k;
    }
    if (k >= 1e6) {
      buf[p++] = 0x31; // 1.0
      buf[p++] = 0x2e;
      buf[p++] = 0x30;
      continue;
    }
    buf[p++] = 0x30; // 0.
    buf[p++] = 0x2e;
    for (let d = 100_000; d >= 1; d /= 10) {
      const digit = Math.floor(k / d);
      buf[p++] = 0x30 + digit;
      k -= digit * d;
    }
  }
  buf[p++] = 0x7d; // }
  return buf.toString('latin1', 0, p);
}

/** A Postgres array literal of text: '{"a","b \\"c\\""}'. */
function textArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

interface FillTimes {
  total_ms: number;
  registry_ms: number;
  documents_chunks_ms: number;
  embeddings_ms: number;
  stance_scores_ms: number;
  analyze_ms: number;
}

interface Filled {
  registry: Registry;
  sourceNames: string[];
  /** A chunk with an embedding, for similar. */
  probeChunk: number;
  times: FillTimes;
}

/** Fake model descriptions whose name and dtype match the configuration, so lookups find them. */
function fakeModels(config: Config, dim: number): { embed: { name: string; dtype: Config['dtype']; version: string; dimension: number }; nli: { name: string; dtype: Config['dtype']; version: string } } {
  return {
    embed: { name: config.embedModel, dtype: config.dtype, version: 'bench0000000', dimension: dim },
    nli: { name: config.nliModel, dtype: config.dtype, version: 'bench0000000' },
  };
}

async function fill(db: Db, opts: Options, config: Config, axes: Axis[]): Promise<Filled> {
  const rng = createRng(opts.seed);
  const t0 = performance.now();
  const models = fakeModels(config, opts.dim);
  const registry = await ensureRegistry(db, models.embed, models.nli, axes);

  const sourceNames = Array.from({ length: opts.sources }, (_, i) => `Source ${String(i + 1).padStart(2, '0')}`);
  const sourceRows = await db
    .insert(sources)
    .values(sourceNames.map((name, i) => ({ name, actorType: ['state', 'igo', 'civil_society', 'industry'][i % 4] as string })))
    .returning({ id: sources.id, name: sources.name });
  const sourceId = new Map(sourceRows.map((r) => [r.name, r.id]));
  const registryMs = elapsed(t0);

  // Documents round-robin over the sources; each document's text is its chunks joined by blank
  // lines, and the chunks keep their offsets, as ingest stores them.
  const nDocs = Math.ceil(opts.chunks / CHUNKS_PER_DOCUMENT);
  const docSource: number[] = [];
  const t1 = performance.now();
  const DOCS_PER_BATCH = 100;
  let chunkId = 0;
  for (let first = 0; first < nDocs; first += DOCS_PER_BATCH) {
    const docRows: (typeof documents.$inferInsert)[] = [];
    const c = { id: [] as number[], doc: [] as number[], ord: [] as number[], start: [] as number[], end: [] as number[], tokens: [] as number[], text: [] as string[] };
    for (let d = first; d < Math.min(nDocs, first + DOCS_PER_BATCH); d++) {
      const docId = d + 1;
      const src = sourceNames[d % opts.sources] as string;
      docSource.push(d % opts.sources);
      const n = Math.min(CHUNKS_PER_DOCUMENT, opts.chunks - d * CHUNKS_PER_DOCUMENT);
      const parts: string[] = [];
      let offset = 0;
      for (let k = 0; k < n; k++) {
        const chunk = synthChunk(rng);
        chunkId++;
        c.id.push(chunkId);
        c.doc.push(docId);
        c.ord.push(k);
        c.start.push(offset);
        c.end.push(offset + chunk.text.length);
        c.tokens.push(chunk.tokens);
        c.text.push(chunk.text);
        parts.push(chunk.text);
        offset += chunk.text.length + 2;
      }
      const text = parts.join('\n\n');
      const year = 1996 + rng.int(29);
      docRows.push({
        id: docId,
        sourceId: sourceId.get(src) as number,
        contentHash: createHash('sha256').update(text).digest('hex'),
        title: `Synthetic document ${docId}`,
        actor: `${src} delegate ${1 + rng.int(3)}`,
        date: `${year}-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')}`,
        url: `https://example.org/bench/${docId}`,
        language: 'en',
        kind: 'speech',
        fileName: `bench-${docId}.txt`,
        format: 'text',
        text,
        byteLength: Buffer.byteLength(text),
        status: 'done',
      });
    }
    await db.insert(documents).values(docRows);
    await db.execute(sql`insert into chunks (id, document_id, ordinal, start, "end", token_count, text)
      select * from unnest(${intArray(c.id)}::int[], ${intArray(c.doc)}::int[], ${intArray(c.ord)}::int[],
        ${intArray(c.start)}::int[], ${intArray(c.end)}::int[], ${intArray(c.tokens)}::int[], ${textArray(c.text)}::text[])`);
    if ((first / DOCS_PER_BATCH) % 10 === 0) progress(`documents ${Math.min(nDocs, first + DOCS_PER_BATCH)}/${nDocs}, chunks ${chunkId}`);
  }
  await db.execute(sql`select setval(pg_get_serial_sequence('documents', 'id'), ${nDocs})`);
  await db.execute(sql`select setval(pg_get_serial_sequence('chunks', 'id'), ${opts.chunks})`);
  const documentsMs = elapsed(t1);

  // Embeddings: random unit vectors, sent as one flat real[] per batch and sliced per row in SQL.
  // The next batch is generated while the previous one is being inserted.
  const t2 = performance.now();
  const ROWS_PER_BATCH = Math.max(1, Math.floor(500_000 / opts.dim));
  const dim = opts.dim;
  let pending: Promise<unknown> | undefined;
  for (let first = 1; first <= opts.chunks; first += ROWS_PER_BATCH) {
    const last = Math.min(opts.chunks, first + ROWS_PER_BATCH - 1);
    const flat = new Float64Array((last - first + 1) * dim);
    for (let r = 0; r <= last - first; r++) {
      let norm = 0;
      for (let j = 0; j < dim; j++) {
        const g = gaussian(rng);
        flat[r * dim + j] = g;
        norm += g * g;
      }
      norm = Math.sqrt(norm);
      for (let j = 0; j < dim; j++) flat[r * dim + j] = (flat[r * dim + j] as number) / norm;
    }
    const literal = unitArray(flat);
    await pending;
    pending = db.execute(sql`insert into embeddings (chunk_id, model_id, dimension, vector)
      select t.id, ${registry.embedModelId}, ${dim}, v.a[(t.i - 1) * ${dim} + 1 : t.i * ${dim}]
      from generate_series(${first}::int, ${last}::int) with ordinality as t(id, i), (select ${literal}::real[] as a) v`);
    if (((first - 1) / ROWS_PER_BATCH) % 20 === 0) progress(`embeddings ${last}/${opts.chunks}`);
  }
  await pending;
  const embeddingsMs = elapsed(t2);

  // Stance scores: each source leans somewhere on each axis; chunks scatter around it.
  const t3 = performance.now();
  const lean = axes.map(() => Array.from({ length: opts.sources }, () => rng.next() - 0.5));
  const SCORE_ROWS = 20_000;
  for (const [ai, axis] of axes.entries()) {
    const axisId = registry.axisIds.get(axis.slug) as number;
    const { relevance: relThreshold, margin } = axis.thresholds;
    for (const kind of ['nli', 'prototype'] as const) {
      const scorerId = registry.scorerIds[kind];
      const spread = kind === 'nli' ? 0.3 : 0.15;
      for (let first = 1; first <= opts.chunks; first += SCORE_ROWS) {
        const last = Math.min(opts.chunks, first + SCORE_ROWS - 1);
        const cols = { score: [] as number[], relevance: [] as number[], probA: [] as number[], probB: [] as number[], label: [] as string[] };
        for (let id = first; id <= last; id++) {
          const src = docSource[Math.floor((id - 1) / CHUNKS_PER_DOCUMENT)] as number;
          const mu = lean[ai]?.[src] ?? 0;
          // Six decimals, as sent: the label is derived from the values that are stored.
          const probB = round6(clamp(0.5 + mu / 2 + spread * gaussian(rng), 0, 1));
          const probA = round6(clamp(0.5 - mu / 2 + spread * gaussian(rng), 0, 1));
          const score = round6(probB - probA);
          const relevance = round6(clamp(0.4 + 0.25 * gaussian(rng), 0, 1));
          const label = relevance < relThreshold ? 'irrelevant' : Math.abs(score) < margin ? 'neutral' : score < 0 ? axis.poles[0].slug : axis.poles[1].slug;
          cols.score.push(score);
          cols.relevance.push(relevance);
          cols.probA.push(probA);
          cols.probB.push(probB);
          cols.label.push(label);
        }
        await db.execute(sql`insert into stance_scores (chunk_id, axis_id, scorer_id, score, relevance, prob_a, prob_b, label)
          select t.id, ${axisId}, ${scorerId}, t.score, t.relevance, t.prob_a, t.prob_b, t.label
          from unnest(${intArray(Array.from({ length: last - first + 1 }, (_, i) => first + i))}::int[],
            ${unitArray(cols.score)}::real[], ${unitArray(cols.relevance)}::real[], ${unitArray(cols.probA)}::real[],
            ${unitArray(cols.probB)}::real[], ${textArray(cols.label)}::text[]) as t(id, score, relevance, prob_a, prob_b, label)`);
      }
      progress(`stance scores ${axis.slug} / ${kind}`);
    }
  }
  const scoresMs = elapsed(t3);

  // Fresh statistics, as autovacuum would have gathered by the time anyone queries a store this size.
  const t4 = performance.now();
  await db.execute(sql`analyze sources, documents, chunks, embeddings, stance_scores, axes, scorers, models`);
  const analyzeMs = elapsed(t4);

  return {
    registry,
    sourceNames,
    probeChunk: Math.max(1, Math.floor(opts.chunks / 2)),
    times: {
      total_ms: elapsed(t0),
      registry_ms: registryMs,
      documents_chunks_ms: documentsMs,
      embeddings_ms: embeddingsMs,
      stance_scores_ms: scoresMs,
      analyze_ms: analyzeMs,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Timing.

interface Stats {
  min_ms: number;
  median_ms: number;
  max_ms: number;
  runs_ms: number[];
}

function summarize(runs: number[]): Stats {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const round = (x: number): number => Math.round(x * 10) / 10;
  return { min_ms: round(sorted[0] as number), median_ms: round(median), max_ms: round(sorted[sorted.length - 1] as number), runs_ms: runs.map(round) };
}

let peakRss = 0;
function sampleRss(): number {
  const rss = process.memoryUsage().rss;
  if (rss > peakRss) peakRss = rss;
  return rss;
}

/** One warm-up, then `repeat` timed runs; checks the answer once so a broken query cannot look fast. */
async function measure<T>(name: string, repeat: number, run: () => Promise<T>, check: (result: T) => string | undefined): Promise<Stats> {
  const warm = await run();
  const problem = check(warm);
  if (problem) throw new Error(`${name}: unexpected answer: ${problem}`);
  sampleRss();
  const runs: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    await run();
    runs.push(elapsed(start));
    sampleRss();
  }
  const stats = summarize(runs);
  progress(`${name}: median ${stats.median_ms} ms (min ${stats.min_ms}, max ${stats.max_ms})`);
  return stats;
}

async function timeOnce<T>(run: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await run();
  return { ms: Math.round(elapsed(start) * 10) / 10, result };
}

/**
 * Where compare's time goes, one run each: the SQL (fetchGroups) and the statistics
 * (compareManyGroups: intervals and pairwise tests within their work budgets).
 */
async function compareBreakdown(env: QueryEnv, axis: Axis): Promise<Record<string, number>> {
  const scope = await resolveScope(env.db, env.config, axis, 'nli');
  const sqlOnly = await timeOnce(() =>
    fetchGroups(env.db, { axisId: scope.axisId, scorerId: scope.scorer.id, relevanceThreshold: axis.thresholds.relevance, by: 'source', filters: {} }),
  );
  const groups = sqlOnly.result.rows.map((r) => ({ key: r.key, scores: r.scores.map(Number), relevances: r.relevances.map(Number) }));
  const stats = await timeOnce(() =>
    compareManyGroups(groups, { seed: DEFAULT_SEED, iterations: DEFAULT_ITERATIONS, relevanceThreshold: axis.thresholds.relevance }),
  );
  sampleRss();
  const sizes = groups.map((g) => g.scores.length);
  return {
    sql_ms: sqlOnly.ms,
    stats_ms: stats.ms,
    groups: groups.length,
    pairs: stats.result.pairs.length,
    bootstrap_groups: stats.result.groups.filter((g) => g.ciMethod === 'bootstrap').length,
    permutation_pairs: stats.result.pairs.filter((p) => p.status === 'ok' && p.pMethod === 'permutation').length,
    chunks_per_group_max: Math.max(...sizes),
    iterations: DEFAULT_ITERATIONS,
  };
}

// ---------------------------------------------------------------------------------------------

interface Report {
  chunks: number;
  sources: number;
  dim: number;
  repeat: number;
  database: 'postgres' | 'pglite';
  database_location: string;
  fill_ms: number;
  fill: FillTimes;
  results: Record<string, Stats>;
  compare_breakdown?: Record<string, number>;
  rss_mb: number;
  peak_rss_mb: number;
  node: string;
}

let interrupted = false;

async function main(): Promise<number> {
  let opts: Options | 'help';
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(HELP);
    return 0;
  }

  // The defaults of the product (no environment): the fake models are registered under these names.
  const config = parseConfig({});
  const axes = loadAxesFile();
  const firstAxis = axes[0] as Axis;

  progress(opts.embedded ? 'creating an embedded PGlite store' : `creating a database on ${redactUrl(opts.databaseUrl)}`);
  const bench = await createBenchDatabase(opts);
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = true;
    progress(`${signal}: cleaning up`);
    void bench.cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const db = bench.database.db;
    progress(`filling ${opts.chunks} chunks over ${opts.sources} sources, dim ${opts.dim}`);
    const filled = await fill(db, opts, config, axes);
    progress(`filled in ${(filled.times.total_ms / 1000).toFixed(1)} s`);
    const [counts] = await queryRows<{ chunks: number; embeddings: number; scores: number }>(
      db,
      sql`select (select count(*) from chunks)::int as chunks, (select count(*) from embeddings)::int as embeddings, (select count(*) from stance_scores)::int as scores`,
    );
    if (!counts || counts.chunks !== opts.chunks || counts.embeddings !== opts.chunks || counts.scores !== opts.chunks * axes.length * 2) {
      throw new Error(`the fill is incomplete: ${JSON.stringify(counts)}`);
    }
    sampleRss();

    const env: QueryEnv = { db, config, axes };
    const source = filled.sourceNames[0] as string;
    const results: Record<string, Stats> = {};
    results.compare = await measure('compare', opts.repeat, () => runCompare(env, { axis: firstAxis.slug, by: 'source' }), (r) =>
      r[0]?.groups.length === opts.sources ? undefined : `${r[0]?.groups.length} groups`,
    );
    results.evidence = await measure(
      'evidence',
      opts.repeat,
      () => runEvidence(env, { source, axis: firstAxis.slug, pole: firstAxis.poles[1].slug, limit: 5 }),
      (r) => (r.passages.length > 0 ? undefined : 'no passages'),
    );
    results.similar = await measure('similar', opts.repeat, () => runSimilar(env, { chunk: filled.probeChunk, limit: 5 }), (r) =>
      r.passages.length === 5 ? undefined : `${r.passages.length} passages`,
    );
    results.similar_other_sources = await measure(
      'similar --other-sources',
      opts.repeat,
      () => runSimilar(env, { chunk: filled.probeChunk, otherSources: true, limit: 5 }),
      (r) => (r.passages.length === 5 ? undefined : `${r.passages.length} passages`),
    );
    // What `stance serve` does: the vectors in memory (loaded by the first query), scanned in-process.
    const memory = memoryNearest();
    const memoryEnv: QueryEnv = { ...env, nearest: memory };
    const viaSql = await runSimilar(env, { chunk: filled.probeChunk, limit: 5 });
    const first = await timeOnce(() => runSimilar(memoryEnv, { chunk: filled.probeChunk, limit: 5 }));
    progress(`similar (serve, in memory): first query, loading the vectors, ${first.ms} ms`);
    const sameAsSql = (r: Awaited<ReturnType<typeof runSimilar>>) =>
      JSON.stringify(r.passages.map((p) => [p.chunk_id, p.similarity])) === JSON.stringify(viaSql.passages.map((p) => [p.chunk_id, p.similarity]))
        ? undefined
        : 'differs from the SQL answer';
    results.similar_serve_memory_first_query = summarize([first.ms]);
    results.similar_serve_memory = await measure('similar (serve, in memory)', opts.repeat, () => runSimilar(memoryEnv, { chunk: filled.probeChunk, limit: 5 }), sameAsSql);
    results.similar_serve_memory_other_sources = await measure(
      'similar --other-sources (serve, in memory)',
      opts.repeat,
      () => runSimilar(memoryEnv, { chunk: filled.probeChunk, otherSources: true, limit: 5 }),
      (r) => (r.passages.length === 5 ? undefined : `${r.passages.length} passages`),
    );
    // The scan alone (no SQL around it: scorer lookups, passage texts and stances).
    const index = await memory.index(db, filled.registry.embedModelId as number);
    const probe = Float32Array.from({ length: opts.dim }, (_, i) => (i === 0 ? 1 : 0));
    results.similar_serve_memory_scan_only = await measure('in-memory scan alone', opts.repeat, async () => index.nearest(probe, 5), (r) =>
      r.length === 5 ? undefined : `${r.length} rows`,
    );
    const breakdown = opts.breakdown ? await compareBreakdown(env, firstAxis) : undefined;
    if (breakdown) progress(`compare breakdown: ${JSON.stringify(breakdown)}`);

    const report: Report = {
      chunks: opts.chunks,
      sources: opts.sources,
      dim: opts.dim,
      repeat: opts.repeat,
      database: bench.database.kind,
      database_location: bench.label,
      fill_ms: Math.round(filled.times.total_ms),
      fill: Object.fromEntries(Object.entries(filled.times).map(([k, v]) => [k, Math.round(v)])) as unknown as FillTimes,
      results,
      ...(breakdown ? { compare_breakdown: breakdown } : {}),
      rss_mb: Math.round(sampleRss() / 2 ** 20),
      peak_rss_mb: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20),
      node: process.version,
    };
    process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatReport(report));
    return 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await bench.cleanup();
  }
}

/**
 * An error for the terminal: a failed fill query's message carries its parameters (megabytes of
 * array literals), so long messages are cut and the database's own error (the cause) is shown.
 */
function describeError(err: unknown): string {
  const cut = (text: string): string => (text.length > 600 ? `${text.slice(0, 600)}... (${text.length - 600} more characters)` : text);
  if (!(err instanceof Error)) return cut(String(err));
  const cause = err.cause instanceof Error ? `\n  cause: ${cut(err.cause.message)}` : '';
  const where = (err.stack ?? '').split('\n').filter((l) => l.trim().startsWith('at ')).slice(0, 4).join('\n');
  return `${cut(err.message)}${cause}${where ? `\n${where}` : ''}`;
}

function formatReport(r: Report): string {
  const lines: string[] = [];
  lines.push(`stance query benchmark: ${r.chunks} chunks, ${r.sources} sources, dim ${r.dim}, ${r.database} (${r.database_location}), node ${r.node}`);
  lines.push('');
  lines.push(
    `fill: ${(r.fill_ms / 1000).toFixed(1)} s  (registry ${r.fill.registry_ms} ms, documents+chunks ${r.fill.documents_chunks_ms} ms, ` +
      `embeddings ${r.fill.embeddings_ms} ms, stance scores ${r.fill.stance_scores_ms} ms, analyze ${r.fill.analyze_ms} ms)`,
  );
  lines.push('');
  const header = ['query', 'min ms', 'median ms', 'max ms'];
  const rows = Object.entries(r.results).map(([name, s]) => [name, s.min_ms.toFixed(1), s.median_ms.toFixed(1), s.max_ms.toFixed(1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  lines.push(fmt(header));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) lines.push(fmt(row));
  lines.push('');
  lines.push(`(${r.repeat} timed runs each after one warm-up; compare = one axis by source, similar = nearest 5 to a stored chunk by the SQL scan of the CLI; "serve, in memory" = the scan of stance serve)`);
  if (r.compare_breakdown) {
    const b = r.compare_breakdown;
    lines.push(
      `compare breakdown (one run): SQL ${b.sql_ms} ms, statistics ${b.stats_ms} ms for ${b.groups} groups and ${b.pairs} pairs ` +
        `(${b.bootstrap_groups} groups bootstrapped, ${b.permutation_pairs} pairs permuted within the budgets, the rest large-sample normal; ` +
        `${b.iterations} iterations, up to ${b.chunks_per_group_max} chunks per group)`,
    );
  }
  lines.push(`RSS ${r.rss_mb} MiB now, ${r.peak_rss_mb} MiB peak`);
  return `${lines.join('\n')}\n`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // After Ctrl-C the database is gone under the running query; that failure is expected.
    if (interrupted) return;
    process.stderr.write(`bench failed: ${describeError(err)}\n`);
    process.exitCode = 1;
  },
);
