// Throughput benchmark (issue 12), in one run: on the same chunks and models,
//   (a) bare ONNX Runtime sessions (onnxruntime-node) on pre-tokenised, length-sorted batches: the limit;
//   (b) transformers.js pipeline('zero-shot-classification') called per chunk and axis, the usual way;
//   (c) this project's inline runner end to end (chunk, embed, score, store) on PGlite and Postgres;
//   (d) the queue path with 1 and 2 worker processes (Postgres + Redis);
// at forced gate pass rates (a random model's relevance means nothing, so the cascade's gate is
// overridden by a hash of the chunk: STANCE_NLI_GATE_FORCE_PASS_RATE). Prints chunks per second,
// c/a and c/b, peak RSS per process and the event-loop delay p99 during inference. Not a test:
// it reports numbers and never fails on them. Every measurement runs in a child process of its
// own, so peak RSS is that measurement's.
//
//   npm run bench [-- --chunks 48 --rates 1,0.5,0.25 --json]
//   npm run bench -- --tiny --chunks 8 --rates 0.5     # the test models: proves it runs, times nothing real

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { AutoTokenizer, env as hfEnv, pipeline, type PreTrainedTokenizer, type ZeroShotClassificationPipeline } from '@huggingface/transformers';
import { chunkBudget, EMBED_BATCH_SIZE, inferenceSpecFrom } from '../app/inference.ts';
import { ingestDocuments } from '../app/ingest.ts';
import { createLogger } from '../app/log.ts';
import { processInline, unfinishedDocumentIds } from '../app/run-inline.ts';
import { createStepContext } from '../app/step-context.ts';
import { queueDocuments } from '../cli/process-after-ingest.ts';
import { parseConfig, type Config } from '../config/config.ts';
import { openDatabase, queryRows, type Database } from '../db/client.ts';
import type { Axis } from '../pipeline/axes.ts';
import { chunkText, DEFAULT_CHUNK_TOKENS } from '../pipeline/chunk.ts';
import { loadAxesFile } from '../pipeline/load-axes.ts';
import { parseManifest } from '../pipeline/manifest.ts';
import { passesGate } from '../pipeline/nli-gate.ts';
import { NLI_BATCH_SIZE, nliBatchSizeFor, poolShape, type PoolShape } from '../pipeline/pool-shape.ts';
import { prepareDocument } from '../pipeline/prepare-document.ts';
import { producerConnection, workerConnection } from '../workers/connection.ts';
import { startInferencePool } from '../workers/inference-pool.ts';
import { openProducer } from '../workers/producer.ts';
import { startWorkers } from '../workers/run-workers.ts';
import { DEFAULT_WORKER_CONCURRENCY } from '../workers/catalog.ts';
import { DEFAULT_MODELS_DIR, EMBED_MODEL, ensureBenchModels, NLI_MODEL, SetupError } from './bench-models.ts';
import { runTodayCheckout, TODAY_COMMIT, todayCheckoutProblem } from './today-checkout.ts';
import { sql } from 'drizzle-orm';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const TINY_DIR = join(REPO, 'test', 'fixtures', 'models');
const SEED_MANIFESTS = [join(REPO, 'seeds', 'manifest.json'), join(REPO, 'seeds', 'corpus', 'manifest.jsonl')];
const CHUNKS_PER_DOCUMENT = 8;
// Today's runner (when issue 12 was filed) embedded 32 chunks per forward pass; the product now
// embeds one (app/inference.ts EMBED_BATCH_SIZE), so the baseline sets the old value back.
const TODAY_EMBED_BATCH = 32;
const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

const HELP = `Usage: npm run bench -- [options]      (tsx bench/throughput.ts)

Chunks per second of the scoring pipeline, on the same chunks and models:
  (a) bare ONNX Runtime sessions on pre-tokenised length-sorted batches (the limit),
  (b) transformers.js pipeline('zero-shot-classification') per chunk and axis (the usual way),
  (c) the inline runner end to end (chunk, embed, score, store) on PGlite and Postgres,
  (d) the queue path (stance worker code) with 1 and 2 worker processes,
at forced gate pass rates; plus today's inline runner (gate off, 1 session x 1 thread, NLI batch ${NLI_BATCH_SIZE}, embedding batch ${TODAY_EMBED_BATCH})
and the pool shapes 1 x cores and cores x 1 at the middle rate. Prints c/a and c/b, peak RSS per
process and the event-loop delay p99 during inference.

The models are SYNTHETIC (random weights in the real shapes: ${EMBED_MODEL}, ${NLI_MODEL}), made
by ../shared/tools/make-models.py bench (needs python3-onnx, python3-numpy) into
.stance/bench-models; only the speed means something.

Options:
  --chunks N         chunks of the seed corpus (default 48; ${CHUNKS_PER_DOCUMENT} per document)
  --rates LIST       gate pass rates (default 1,0.5,0.25)
  --dtype D          q8 (default, as the product) or fp32
  --naive-chunks N   chunks for (b), which is slow (default: all of them; fewer gives c/b on other chunks than c's)
  --models-dir DIR   folder with the two benchmark models (default .stance/bench-models)
  --tiny             the test fixtures' tiny models instead: checks the bench runs, times nothing real
  --postgres URL     server for (c) and (d) (default $DATABASE_URL or ${DEFAULT_POSTGRES}); a database
                     of its own is created and dropped
  --redis URL        for (d) (default $REDIS_URL or ${DEFAULT_REDIS})
  --skip LIST        parts to leave out: a,b,c-pglite,c-postgres,d,today,shapes
  --today-checkout DIR  also time the inline runner of commit ${TODAY_COMMIT.slice(0, 7)} (the last before
                     issue 12's work) from a checkout of it with its own npm ci: today's runner
                     as it was, next to the emulation above (bench/today-checkout.ts says how)
  --repeat N         run every measurement N times, in rounds (default 1); prints the median of each
                     and the median of each round's ratios, which drift less than single runs
                     (a virtual machine's speed drifts by 10-20% over minutes)
  --cpu-prof DIR     write a V8 CPU profile of every child process and thread into DIR (open in Chrome DevTools)
  --json             one JSON object on stdout (progress on stderr)
  -h, --help         this help
`;

interface Options {
  chunks: number;
  rates: number[];
  dtype: 'q8' | 'fp32';
  naiveChunks: number;
  modelsDir: string;
  explicitModelsDir: boolean;
  tiny: boolean;
  postgres: string;
  redis: string;
  skip: Set<string>;
  cpuProfDir: string | undefined;
  repeat: number;
  todayCheckout: string | undefined;
  json: boolean;
}

/** What every child gets: the models, the documents and chunks, the axes. */
interface Work {
  modelsDir: string;
  embedModel: string;
  nliModel: string;
  dtype: 'q8' | 'fp32';
  documents: string[];
  chunks: string[];
}

/** One measurement's result, as a child prints it. */
interface Measured {
  chunks: number;
  seconds: number;
  chunks_per_s: number;
  peak_rss_mb: number;
  event_loop_p99_ms?: number;
  forward_passes?: number;
  worker_peak_rss_mb?: number[];
  worker_event_loop_p99_ms?: number[];
}

class UsageError extends Error {
  override name = 'UsageError';
}

const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      chunks: { type: 'string' },
      rates: { type: 'string' },
      dtype: { type: 'string' },
      'naive-chunks': { type: 'string' },
      'models-dir': { type: 'string' },
      tiny: { type: 'boolean', default: false },
      postgres: { type: 'string' },
      redis: { type: 'string' },
      skip: { type: 'string' },
      'cpu-prof': { type: 'string' },
      repeat: { type: 'string' },
      'today-checkout': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const int = (v: string | undefined, name: string, fallback: number) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} takes a whole number >= 1, got "${v}"`);
    return n;
  };
  const rates = (values.rates ?? '1,0.5,0.25').split(',').map((r) => Number(r.trim()));
  if (rates.some((r) => !(r >= 0 && r <= 1))) throw new UsageError(`--rates takes pass rates in [0, 1], got "${values.rates}"`);
  if (values.dtype !== undefined && values.dtype !== 'q8' && values.dtype !== 'fp32') throw new UsageError(`--dtype takes q8 or fp32, got "${values.dtype}"`);
  const chunks = int(values.chunks, 'chunks', 48);
  const parts = ['a', 'b', 'c-pglite', 'c-postgres', 'd', 'today', 'shapes'];
  const skip = new Set((values.skip ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const unknown = [...skip].filter((s) => !parts.includes(s));
  if (unknown.length) throw new UsageError(`--skip: unknown part(s) ${unknown.join(', ')}; the parts are ${parts.join(', ')}`);
  const env = process.env;
  const todayCheckout = values['today-checkout'] === undefined ? undefined : resolve(values['today-checkout']);
  const checkoutProblem = todayCheckout === undefined ? undefined : todayCheckoutProblem(todayCheckout);
  if (checkoutProblem) throw new UsageError(checkoutProblem);
  return {
    chunks,
    rates,
    dtype: (values.dtype as 'q8' | 'fp32' | undefined) ?? 'q8',
    naiveChunks: Math.min(chunks, int(values['naive-chunks'], 'naive-chunks', chunks)),
    modelsDir: values.tiny ? TINY_DIR : (values['models-dir'] ?? DEFAULT_MODELS_DIR),
    explicitModelsDir: values['models-dir'] !== undefined,
    tiny: values.tiny ?? false,
    postgres: values.postgres ?? env.DATABASE_URL ?? DEFAULT_POSTGRES,
    redis: values.redis ?? env.REDIS_URL ?? DEFAULT_REDIS,
    skip,
    repeat: int(values.repeat, 'repeat', 1),
    cpuProfDir: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
    todayCheckout,
    json: values.json ?? false,
  };
}

// ---------------------------------------------------------------------------------------------
// The chunks: seed-corpus chunks grouped into documents, then chunked as the product does.

async function nliTokenizer(work: Pick<Work, 'modelsDir' | 'nliModel'>): Promise<PreTrainedTokenizer> {
  hfEnv.localModelPath = `${work.modelsDir}/`;
  hfEnv.allowLocalModels = true;
  hfEnv.allowRemoteModels = false;
  return AutoTokenizer.from_pretrained(work.nliModel);
}

async function buildWork(opts: Options): Promise<Work> {
  const names = opts.tiny ? { embedModel: 'tiny-lexical-embed', nliModel: 'tiny-random-nli' } : { embedModel: EMBED_MODEL, nliModel: NLI_MODEL };
  const base = { modelsDir: opts.modelsDir, dtype: opts.tiny ? ('fp32' as const) : opts.dtype, ...names };
  const tokenizer = await nliTokenizer(base);
  const countTokens = (t: string) => tokenizer.encode(t, { add_special_tokens: false }).length;
  const budget = chunkBudget(DEFAULT_CHUNK_TOKENS, 512);
  const pieces: string[] = [];
  for (const manifest of SEED_MANIFESTS) {
    const { entries } = parseManifest(readFileSync(manifest, 'utf8'), manifest);
    for (const entry of entries) {
      const prepared = prepareDocument(readFileSync(join(manifest, '..', entry.file)), entry.file, 5_000_000);
      if (prepared.ok) pieces.push(...chunkText(prepared.document.text, { maxTokens: budget, countTokens }).map((c) => c.text));
    }
  }
  if (opts.chunks > pieces.length) throw new UsageError(`--chunks ${opts.chunks} is more than the ${pieces.length} chunks of the seed corpus`);
  const picked = Array.from({ length: opts.chunks }, (_, i) => pieces[Math.floor(((i + 0.5) * pieces.length) / opts.chunks)] as string);
  const documents: string[] = [];
  for (let i = 0; i < picked.length; i += CHUNKS_PER_DOCUMENT) documents.push(picked.slice(i, i + CHUNKS_PER_DOCUMENT).join('\n\n'));
  // The chunks the pipeline will make of these documents (ingest normalises, then the chunker splits).
  const chunks = documents.flatMap((d, i) => {
    const prepared = prepareDocument(Buffer.from(d), `bench-${i}.txt`, 5_000_000);
    if (!prepared.ok) throw new Error(`bench document ${i}: ${prepared.rejection.message}`);
    return chunkText(prepared.document.text, { maxTokens: budget, countTokens }).map((c) => c.text);
  });
  return { ...base, documents, chunks };
}

/** The NLI (premise, hypothesis) pairs the cascade runs at a forced pass rate: relevance always, poles when passed. */
function cascadePairs(chunks: string[], axes: Axis[], rate: number): [string, string][] {
  const gate = { fraction: 0.5, forcePassRate: rate };
  return chunks.flatMap((text) =>
    axes.flatMap((axis) => {
      const relevance = axis.relevance?.hypotheses ?? [];
      const poles = !relevance.length || passesGate(gate, axis, 0, text) ? [...axis.poles[0].hypotheses, ...axis.poles[1].hypotheses] : [];
      return [...relevance, ...poles].map((h): [string, string] => [text, h]);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// (a) Bare ONNX Runtime: sessions in worker threads (plain JavaScript, no tsx), fed pre-tokenised batches.

const BARE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const ort = await import(workerData.ortUrl);
  const options = { intraOpNumThreads: workerData.threads, interOpNumThreads: 1 };
  const sessions = { nli: await ort.InferenceSession.create(workerData.nliPath, options), embed: await ort.InferenceSession.create(workerData.embedPath, options) };
  parentPort.postMessage('ready');
  parentPort.once('message', async (batches) => {
    const start = performance.now();
    for (const b of batches) {
      const s = sessions[b.model];
      const feeds = {};
      for (const name of s.inputNames) if (b.feeds[name]) feeds[name] = new ort.Tensor('int64', b.feeds[name], b.dims);
      await s.run(feeds);
    }
    parentPort.postMessage(performance.now() - start);
  });
})();
`;

interface Batch {
  model: 'nli' | 'embed';
  dims: number[];
  feeds: Record<string, BigInt64Array>;
}

function tokenised(encoded: Record<string, { data: unknown; dims: number[] }>, model: 'nli' | 'embed'): Batch {
  const feeds: Record<string, BigInt64Array> = {};
  let dims: number[] = [];
  for (const [name, t] of Object.entries(encoded)) {
    feeds[name] = t.data as BigInt64Array;
    dims = t.dims;
  }
  return { model, dims, feeds };
}

function lengthSortedBatches<T>(items: T[], lengthOf: (t: T) => number, size: number): T[][] {
  const sorted = [...items].sort((x, y) => lengthOf(x) - lengthOf(y));
  const out: T[][] = [];
  for (let i = 0; i < sorted.length; i += size) out.push(sorted.slice(i, i + size));
  return out;
}

async function childBare(work: Work, rate: number, shape: PoolShape): Promise<Measured> {
  const nliTok = await nliTokenizer(work);
  const embedTok = await AutoTokenizer.from_pretrained(work.embedModel);
  const axes = loadAxesFile();
  const pairs = cascadePairs(work.chunks, axes, rate);
  const batches: Batch[] = [];
  for (const b of lengthSortedBatches(pairs, (p) => p[0].length + p[1].length, nliBatchSizeFor(shape.threads))) {
    batches.push(tokenised(nliTok(b.map((p) => p[0]), { text_pair: b.map((p) => p[1]), padding: true, truncation: true, max_length: 512 }) as never, 'nli'));
  }
  for (const b of lengthSortedBatches(work.chunks, (t) => t.length, EMBED_BATCH_SIZE)) {
    batches.push(tokenised(embedTok(b, { padding: true, truncation: true }) as never, 'embed'));
  }
  const file = work.dtype === 'fp32' ? 'model.onnx' : 'model_quantized.onnx';
  const threads = Array.from({ length: shape.sessions }, () =>
    new Worker(BARE_THREAD, {
      eval: true,
      workerData: {
        ortUrl: import.meta.resolve('onnxruntime-node'),
        threads: shape.threads,
        nliPath: join(work.modelsDir, work.nliModel, 'onnx', file),
        embedPath: join(work.modelsDir, work.embedModel, 'onnx', file),
      },
    }),
  );
  const once = (w: Worker) => new Promise<unknown>((resolve, reject) => w.once('message', resolve).once('error', reject));
  await Promise.all(threads.map(once));
  const shares = threads.map((_, i) => batches.filter((__, k) => k % threads.length === i));
  const start = performance.now();
  const done = threads.map(once);
  threads.forEach((w, i) => w.postMessage(shares[i]));
  await Promise.all(done);
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(threads.map((w) => w.terminate()));
  return { chunks: work.chunks.length, seconds: round(seconds, 3), chunks_per_s: round(work.chunks.length / seconds), peak_rss_mb: peakRssMb(), forward_passes: pairs.length + work.chunks.length };
}

// ---------------------------------------------------------------------------------------------
// (b) The usual way: the zero-shot pipeline per chunk and axis, with every hypothesis as a label.

async function childNaive(work: Work, chunks: number): Promise<Measured> {
  hfEnv.localModelPath = `${work.modelsDir}/`;
  hfEnv.allowLocalModels = true;
  hfEnv.allowRemoteModels = false;
  const classifier = (await pipeline('zero-shot-classification', work.nliModel, { dtype: work.dtype })) as ZeroShotClassificationPipeline;
  const axes = loadAxesFile();
  const texts = work.chunks.slice(0, chunks);
  const start = performance.now();
  for (const text of texts) {
    for (const axis of axes) {
      const labels = [...axis.poles[0].hypotheses, ...axis.poles[1].hypotheses, ...(axis.relevance?.hypotheses ?? [])];
      await classifier(text, labels, { hypothesis_template: '{}', multi_label: true });
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return { chunks: texts.length, seconds: round(seconds, 3), chunks_per_s: round(texts.length / seconds), peak_rss_mb: peakRssMb() };
}

// ---------------------------------------------------------------------------------------------
// (c) The inline runner, and (d)'s worker processes.

function benchConfig(work: Work, rate: number | undefined, shape: PoolShape, extra: Record<string, string> = {}): Config {
  return parseConfig({
    STANCE_MODELS_DIR: work.modelsDir,
    STANCE_EMBED_MODEL: work.embedModel,
    STANCE_NLI_MODEL: work.nliModel,
    STANCE_MODEL_DTYPE: work.dtype,
    STANCE_INFERENCE_SESSIONS: String(shape.sessions),
    STANCE_ORT_THREADS: String(shape.threads),
    STANCE_NLI_GATE: rate === undefined ? 'off' : '0.5',
    ...(rate === undefined ? {} : { STANCE_NLI_GATE_FORCE_PASS_RATE: String(rate) }),
    LOG_LEVEL: 'warn',
    ...extra,
  });
}

async function ingestWork(database: Database, work: Work): Promise<number[]> {
  const outcomes = await ingestDocuments(
    database.db,
    work.documents.map((content, i) => ({ file: `bench-${i}.txt`, content, meta: { source: `source ${i % 4}`, title: `bench document ${i}` } })),
    { maxDocBytes: 5_000_000 },
  );
  return outcomes.flatMap((o) => (o.status === 'created' ? [o.documentId] : []));
}

async function childInline(
  work: Work,
  rate: number | undefined,
  shape: PoolShape,
  databaseUrl: string | undefined,
  batchOverride?: number,
  embedBatchOverride?: number,
): Promise<Measured> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stance-bench-'));
  const config = benchConfig(work, rate, shape);
  const database = await openDatabase({ databaseUrl, dataDir, migrations: 'apply' });
  try {
    const spec = inferenceSpecFrom(config);
    if (embedBatchOverride) spec.embedBatchSize = embedBatchOverride;
    const inference = await startInferencePool(spec, { inThreadWhenSingle: true });
    const ctx = await createStepContext(database.db, inference, loadAxesFile(), config);
    if (batchOverride) ctx.nliBatchSize = batchOverride;
    await ingestWork(database, work);
    const ids = await unfinishedDocumentIds(ctx.db);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const start = performance.now();
    const results = await processInline(ctx, ids);
    const seconds = (performance.now() - start) / 1000;
    loop.disable();
    await inference.close();
    const failed = results.filter((r) => r.status !== 'done');
    if (failed.length) throw new Error(`${failed.length} document(s) failed: ${failed[0]?.error}`);
    const chunks = results.reduce((n, r) => n + r.chunks, 0);
    return { chunks, seconds: round(seconds, 3), chunks_per_s: round(chunks / seconds), peak_rss_mb: peakRssMb(), event_loop_p99_ms: round(loop.percentile(99) / 1e6, 1) };
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A queue worker as `stance worker` runs it, reporting its event-loop delay and peak RSS when stopped. */
async function childWorker(work: Work, rate: number, shape: PoolShape, databaseUrl: string, redisUrl: string, prefix: string): Promise<void> {
  const config = benchConfig(work, rate, shape, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, STANCE_QUEUE_PREFIX: prefix });
  const database = await openDatabase({ databaseUrl, dataDir: tmpdir() });
  const inference = await startInferencePool(inferenceSpecFrom(config));
  const ctx = await createStepContext(database.db, inference, loadAxesFile(), config);
  const producerRedis = producerConnection(redisUrl);
  const producer = openProducer(producerRedis, prefix, { attempts: config.queue.jobAttempts, backoffMs: config.queue.backoffMs });
  const workerRedis = workerConnection(redisUrl);
  const running = startWorkers(ctx, { connection: workerRedis, prefix, producer, logger: createLogger('warn'), concurrency: DEFAULT_WORKER_CONCURRENCY, lockDuration: config.queue.lockMs, stalledInterval: config.queue.lockMs });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  loop.disable();
  process.stdout.write(`${JSON.stringify({ peak_rss_mb: peakRssMb(), event_loop_p99_ms: round(loop.percentile(99) / 1e6, 1) })}\n`);
  await running.close();
  await producer.close();
  workerRedis.disconnect();
  producerRedis.disconnect();
  await inference.close();
  await database.close();
}

// ---------------------------------------------------------------------------------------------
// The parent: children per measurement, Postgres databases of their own, the report.

// Node options of every child: --cpu-prof DIR adds the profiler's.
const childNodeArgs: string[] = [];

function spawnChild(args: string[]): ChildProcess {
  return spawn(process.execPath, [...childNodeArgs, '--import', 'tsx', SELF, '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'], cwd: REPO });
}

async function runChild(args: string[]): Promise<Measured> {
  const child = spawnChild(args);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench child ${args.slice(0, 3).join(' ')} failed (exit ${code})`);
  return JSON.parse(out.trim().split('\n').at(-1) as string) as Measured;
}

async function withPostgresDatabase<T>(url: string, fn: (dbUrl: string) => Promise<T>): Promise<T> {
  const admin = await openDatabase({ databaseUrl: url, dataDir: tmpdir(), migrations: 'ignore' });
  const name = `stance_bench_${process.pid}_${Math.floor(performance.now())}`;
  await queryRows(admin.db, sql.raw(`create database ${name}`));
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  try {
    return await fn(dbUrl.toString());
  } finally {
    await queryRows(admin.db, sql.raw(`drop database if exists ${name} with (force)`));
    await admin.close();
  }
}

async function queuePath(workFile: string, work: Work, rate: number, workers: number, cores: number, opts: Options): Promise<Measured> {
  return withPostgresDatabase(opts.postgres, async (dbUrl) => {
    const database = await openDatabase({ databaseUrl: dbUrl, dataDir: tmpdir(), migrations: 'apply' });
    const prefix = `stance-bench-${process.pid}-${workers}-${Math.round(rate * 100)}`;
    const shape = poolShape(Math.max(1, Math.floor(cores / workers)));
    const children = Array.from({ length: workers }, () => spawnChild(['worker', workFile, String(rate), `${shape.sessions}x${shape.threads}`, dbUrl, opts.redis, prefix]));
    const outputs = children.map(() => ({ text: '' }));
    try {
      await Promise.all(
        children.map(
          (c, i) =>
            new Promise<void>((resolve, reject) => {
              c.stdout?.on('data', (d: Buffer) => {
                (outputs[i] as { text: string }).text += d.toString();
                if ((outputs[i] as { text: string }).text.includes('ready\n')) resolve();
              });
              c.once('exit', (code) => reject(new Error(`worker ${i} exited (${code}) before it was ready`)));
            }),
        ),
      );
      const ids = await ingestWork(database, work);
      const config = benchConfig(work, rate, shape, { DATABASE_URL: dbUrl, REDIS_URL: opts.redis, STANCE_QUEUE_PREFIX: prefix });
      const start = performance.now();
      await queueDocuments(config, ids, database.db);
      for (;;) {
        const [row] = await queryRows<{ open: number; failed: number }>(
          database.db,
          sql`select count(*) filter (where status in ('queued', 'processing'))::int as open, count(*) filter (where status = 'failed')::int as failed from documents`,
        );
        if (row?.failed) throw new Error(`${row.failed} document(s) failed in the queue path`);
        if (row?.open === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const seconds = (performance.now() - start) / 1000;
      const [n] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from chunks`);
      const stats = await Promise.all(
        children.map(
          (c, i) =>
            new Promise<{ peak_rss_mb: number; event_loop_p99_ms: number }>((resolve) => {
              c.once('exit', () => resolve(JSON.parse((outputs[i] as { text: string }).text.trim().split('\n').at(-1) as string)));
              c.kill('SIGTERM');
            }),
        ),
      );
      const chunks = n?.n ?? 0;
      return {
        chunks,
        seconds: round(seconds, 3),
        chunks_per_s: round(chunks / seconds),
        peak_rss_mb: peakRssMb(),
        worker_peak_rss_mb: stats.map((s) => s.peak_rss_mb),
        worker_event_loop_p99_ms: stats.map((s) => s.event_loop_p99_ms),
      };
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      await database.close();
    }
  });
}

const shapeText = (s: PoolShape) => `${s.sessions}x${s.threads}`;
const parseShape = (t: string): PoolShape => {
  const [sessions, threads] = t.split('x').map(Number);
  return { sessions: sessions ?? 1, threads: threads ?? 1 };
};

async function runChildMode(argv: string[]): Promise<void> {
  const [mode, workFile, ...rest] = argv;
  const work = JSON.parse(readFileSync(workFile as string, 'utf8')) as Work;
  let result: Measured | undefined;
  if (mode === 'bare') result = await childBare(work, Number(rest[0]), parseShape(rest[1] as string));
  else if (mode === 'naive') result = await childNaive(work, Number(rest[0]));
  else if (mode === 'inline') {
    const rate = rest[0] === 'off' ? undefined : Number(rest[0]);
    result = await childInline(work, rate, parseShape(rest[1] as string), rest[2] === 'pglite' ? undefined : rest[2], rest[3] ? Number(rest[3]) : undefined, rest[4] ? Number(rest[4]) : undefined);
  } else if (mode === 'today-checkout') {
    const r = await runTodayCheckout(work, rest[0] as string);
    result = { chunks: r.chunks, seconds: round(r.seconds, 3), chunks_per_s: round(r.chunks / r.seconds), peak_rss_mb: peakRssMb(), event_loop_p99_ms: round(r.event_loop_p99_ms, 1) };
  } else if (mode === 'worker') {
    await childWorker(work, Number(rest[0]), parseShape(rest[1] as string), rest[2] as string, rest[3] as string, rest[4] as string);
    return;
  } else throw new Error(`unknown child mode ${mode}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

interface Report {
  models: { embed: string; nli: string; dtype: string; synthetic: boolean };
  cores: number;
  default_shape: string;
  chunks: number;
  documents: number;
  rates: number[];
  repeat: number;
  /** Per measurement, the round with the median chunks/s. */
  results: Record<string, Measured>;
  /** Per ratio, the median of the rounds' ratios. */
  ratios: Record<string, number>;
  rounds?: { results: Record<string, Measured>; ratios: Record<string, number> }[];
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    await runChildMode(argv.slice(1));
    return 0;
  }
  let opts: Options | 'help';
  try {
    opts = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (opts.cpuProfDir !== undefined) childNodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  if (!opts.tiny) ensureBenchModels(opts.modelsDir, opts.explicitModelsDir, [opts.dtype], progress);
  const work = await buildWork(opts);
  const dir = mkdtempSync(join(tmpdir(), 'stance-throughput-'));
  const workFile = join(dir, 'work.json');
  writeFileSync(workFile, JSON.stringify(work));
  const cores = availableParallelism();
  const shape = poolShape(cores);
  const rounds: Record<string, Measured>[] = [];
  let results: Record<string, Measured> = {};
  const measure = async (name: string, args: string[]) => {
    progress(`${name}${opts.repeat > 1 ? ` (round ${rounds.length}/${opts.repeat})` : ''} ...`);
    const r = await runChild(args);
    results[name] = r;
    progress(`${name}: ${r.chunks_per_s} chunks/s (${r.chunks} chunks in ${r.seconds} s), peak RSS ${r.peak_rss_mb} MB${r.event_loop_p99_ms !== undefined ? `, event-loop p99 ${r.event_loop_p99_ms} ms` : ''}`);
  };
  progress(`${work.chunks.length} chunks in ${work.documents.length} documents; ${cores} cores, default pool ${shapeText(shape)}; models ${work.embedModel}, ${work.nliModel} (${work.dtype})`);
  try {
    while (rounds.length < opts.repeat) {
      results = {};
      rounds.push(results);
      if (!opts.skip.has('b')) await measure('b_naive_zero_shot', ['naive', workFile, String(opts.naiveChunks)]);
      if (!opts.skip.has('today')) await measure('c_today_inline_pglite', ['inline', workFile, 'off', '1x1', 'pglite', String(NLI_BATCH_SIZE), String(TODAY_EMBED_BATCH)]);
      if (opts.todayCheckout !== undefined) await measure('c_today_checkout_inline_pglite', ['today-checkout', workFile, opts.todayCheckout]);
      for (const rate of opts.rates) {
        const pct = `${Math.round(rate * 100)}pct`;
        if (!opts.skip.has('a')) await measure(`a_bare_ort_${pct}`, ['bare', workFile, String(rate), shapeText(shape)]);
        if (!opts.skip.has('c-pglite')) await measure(`c_inline_pglite_${pct}`, ['inline', workFile, String(rate), shapeText(shape), 'pglite']);
        if (!opts.skip.has('c-postgres')) {
          results[`c_inline_postgres_${pct}`] = await withPostgresDatabase(opts.postgres, async (url) => {
            progress(`c_inline_postgres_${pct} ...`);
            return runChild(['inline', workFile, String(rate), shapeText(shape), url]);
          });
        }
        if (!opts.skip.has('d')) {
          for (const workers of [1, 2]) {
            progress(`d_queue_${workers}_workers_${pct} ...`);
            results[`d_queue_${workers}_workers_${pct}`] = await queuePath(workFile, work, rate, workers, cores, opts);
          }
        }
      }
      if (!opts.skip.has('shapes')) {
        const mid = opts.rates[Math.floor(opts.rates.length / 2)] ?? 0.5;
        for (const s of [{ sessions: 1, threads: cores }, { sessions: cores, threads: 1 }]) {
          await measure(`shape_${shapeText(s)}_c_inline_pglite_${Math.round(mid * 100)}pct`, ['inline', workFile, String(mid), shapeText(s), 'pglite']);
          if (!opts.skip.has('a')) await measure(`shape_${shapeText(s)}_a_bare_ort_${Math.round(mid * 100)}pct`, ['bare', workFile, String(mid), shapeText(s)]);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const roundRatios = rounds.map((r) => ratiosOf(r, opts.rates));
  const ratios = medianRecord(roundRatios, (x) => x);
  const median = medianRecord(rounds, (m) => m.chunks_per_s);
  const report: Report = {
    models: { embed: work.embedModel, nli: work.nliModel, dtype: work.dtype, synthetic: true },
    cores,
    default_shape: shapeText(shape),
    chunks: work.chunks.length,
    documents: work.documents.length,
    rates: opts.rates,
    repeat: opts.repeat,
    results: median,
    ratios,
    ...(opts.repeat > 1 && { rounds: rounds.map((r, i) => ({ results: r, ratios: roundRatios[i] as Record<string, number> })) }),
  };
  process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatReport(report));
  return 0;
}

/** c/a, c/b and c/today per rate, from one round's measurements. */
function ratiosOf(results: Record<string, Measured>, rates: number[]): Record<string, number> {
  const ratios: Record<string, number> = {};
  for (const rate of rates) {
    const pct = `${Math.round(rate * 100)}pct`;
    const c = results[`c_inline_pglite_${pct}`];
    const a = results[`a_bare_ort_${pct}`];
    const b = results.b_naive_zero_shot;
    const today = results.c_today_inline_pglite;
    const todayCheckout = results.c_today_checkout_inline_pglite;
    if (c && a) ratios[`c_over_a_${pct}`] = round(c.chunks_per_s / a.chunks_per_s, 3);
    if (c && b) ratios[`c_over_b_${pct}`] = round(c.chunks_per_s / b.chunks_per_s, 3);
    if (c && today) ratios[`c_over_today_${pct}`] = round(c.chunks_per_s / today.chunks_per_s, 3);
    if (c && todayCheckout) ratios[`c_over_today_checkout_${pct}`] = round(c.chunks_per_s / todayCheckout.chunks_per_s, 3);
  }
  return ratios;
}

/** Per key, the median over rounds by `value` (the lower middle one of an even count). */
function medianRecord<T>(rounds: Record<string, T>[], value: (t: T) => number): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of new Set(rounds.flatMap((r) => Object.keys(r)))) {
    const values = rounds.flatMap((r) => (r[key] === undefined ? [] : [r[key] as T])).sort((x, y) => value(x) - value(y));
    out[key] = values[Math.floor((values.length - 1) / 2)] as T;
  }
  return out;
}

function formatReport(r: Report): string {
  const lines = [
    `stance throughput: ${r.chunks} chunks in ${r.documents} documents${r.repeat > 1 ? `, median of ${r.repeat} rounds` : ''}, ${r.cores} cores, default pool ${r.default_shape} (sessions x threads); models ${r.models.embed}, ${r.models.nli} (${r.models.dtype}, synthetic)`,
    '',
  ];
  const header = ['measurement', 'chunks/s', 'seconds', 'peak RSS MB', 'loop p99 ms', 'workers: RSS MB / loop p99 ms'];
  const rows = Object.entries(r.results).map(([name, m]) => [
    name,
    m.chunks_per_s.toFixed(2),
    m.seconds.toFixed(2),
    String(m.peak_rss_mb),
    m.event_loop_p99_ms?.toFixed(1) ?? '',
    m.worker_peak_rss_mb ? m.worker_peak_rss_mb.map((x, i) => `${x} / ${m.worker_event_loop_p99_ms?.[i] ?? ''}`).join(', ') : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  lines.push(fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt), '');
  lines.push(`ratios: ${Object.entries(r.ratios).map(([k, v]) => `${k} ${v}`).join(', ') || 'none (parts skipped)'}`);
  lines.push(`a = bare ONNX Runtime (the limit), b = zero-shot pipeline per chunk and axis, c = inline runner end to end, d = queue path; today = gate off, 1 x 1, NLI batch 16, embedding batch 32; today_checkout = the inline runner of ${TODAY_COMMIT.slice(0, 7)} itself.`);
  return `${lines.join('\n')}\n`;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as Error;
    process.stderr.write(`bench/throughput.ts: ${e instanceof UsageError || e instanceof SetupError ? e.message : (e.stack ?? e.message)}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
