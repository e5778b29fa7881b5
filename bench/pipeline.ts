// Benchmark of the scoring pipeline's inference throughput: model load, embeddings and zero-shot
// NLI per batch size and dtype, through the real code paths (app/inference.ts loadLocalInference,
// its chunk/embed/nliScores, workers/inference-client.ts startInferenceThread), on chunks of the
// seed corpus. Not a test: it reports numbers and never fails on them.
//
//   npx tsx bench/pipeline.ts [--dtype fp32|q8] [--threads 1] [--batch N] [--chunks 16] [--runs 3] [--json]
//                             [--models-dir DIR]
//
// No model hub is reachable here, so it runs SYNTHETIC models with random weights in the real
// shapes (made by ../shared/tools/make-models.py bench): their speed is meaningful, their outputs
// are not, and nothing here reports them as findings about texts.
//
// Each dtype runs in a child process of its own, so its load time, RSS and peak RSS are not
// mixed with the other dtype's models (transformers.js sessions are not freed on demand).

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chunkBudget, EMBED_BATCH_SIZE, loadLocalInference, type Inference, type InferenceSpec } from '../app/inference.ts';
import { NLI_BATCH_SIZE } from '../pipeline/pool-shape.ts';
import type { Axis } from '../pipeline/axes.ts';
import { DEFAULT_CHUNK_TOKENS } from '../pipeline/chunk.ts';
import { loadAxesFile } from '../pipeline/load-axes.ts';
import { parseManifest } from '../pipeline/manifest.ts';
import { buildNliPairs } from '../pipeline/nli-score.ts';
import { prepareDocument } from '../pipeline/prepare-document.ts';
import type { AxisScore } from '../pipeline/stance-score.ts';
import { startInferenceThread } from '../workers/inference-client.ts';
import { DEFAULT_MODELS_DIR, EMBED_MODEL, ensureBenchModels, NLI_MODEL, SetupError } from './bench-models.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const DEFAULT_BATCHES = [1, 8, 16, 32];
// 16 chunks x 17 hypotheses = 272 NLI pairs: with 4 batch sizes x (1 warm-up + 3 runs) x 2 dtypes
// on one ONNX thread, a full run takes about 8 minutes on a 2-core machine.
const DEFAULT_CHUNKS = 16;
const DEFAULT_RUNS = 3;
const SEED_MANIFESTS = [join(REPO, 'seeds', 'manifest.json'), join(REPO, 'seeds', 'corpus', 'manifest.jsonl')];
const MAX_DOC_BYTES = 5_000_000;
const TIMER_MS = 10;

const BENCH_DTYPES = ['fp32', 'q8'] as const;
type BenchDtype = (typeof BENCH_DTYPES)[number];

const HELP = `Usage: tsx bench/pipeline.ts [options]      (npm run bench:pipeline -- [options])

Times the scoring pipeline's model work through app/inference.ts: model load, embeddings per
second, and NLI (chunk x hypothesis) pairs and chunks per second for each batch size and dtype,
with RSS; and the longest event-loop stall while an NLI batch runs in-process versus in the
inference worker thread (workers/inference-client.ts). Chunks come from the seed corpus
(seeds/ and seeds/corpus/), chunked by pipeline/chunk.ts with the NLI model's tokenizer; the
hypotheses are those of config/axes.json.

The models are SYNTHETIC (random weights in the real shapes, made by
../shared/tools/make-models.py bench): ${EMBED_MODEL} (all-MiniLM-L6-v2 shape, 384-d) and
${NLI_MODEL} (12 layers x 384, 3 labels, about nli-deberta-v3-xsmall's size). Only the
speed means something; their outputs are meaningless and never reported as scores.

Options:
  --models-dir DIR   folder holding ${EMBED_MODEL}/ and ${NLI_MODEL}/ (default
                     .stance/bench-models, generated with make-models.py when missing; needs
                     python3 with the Debian packages python3-onnx and python3-numpy)
  --dtype D          fp32 or q8 (default: both, one after the other, each in its own process)
  --threads N        ONNX Runtime intra-op threads per model (default 1, as STANCE_ORT_THREADS)
  --batch N          NLI pairs per forward pass (default: ${DEFAULT_BATCHES.join(', ')}; repeatable)
  --chunks N         seed-corpus chunks to score, spread evenly over the corpus (default ${DEFAULT_CHUNKS})
  --runs N           timed runs after one warm-up, per measurement (default ${DEFAULT_RUNS})
  --json             print one JSON object instead of the tables (progress goes to stderr)
  -h, --help         show this help
`;

interface Options {
  modelsDir: string;
  explicitModelsDir: boolean;
  dtypes: BenchDtype[];
  threads: number;
  batches: number[];
  chunks: number;
  runs: number;
  json: boolean;
  child: boolean;
}

class UsageError extends Error {
  override name = 'UsageError';
}


/** A child run failed; it has printed its own error already. */
class ChildError extends Error {
  override name = 'ChildError';
}

function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'models-dir': { type: 'string' },
      dtype: { type: 'string' },
      threads: { type: 'string' },
      batch: { type: 'string', multiple: true },
      chunks: { type: 'string' },
      runs: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      // Internal: run one dtype and print its raw result as JSON (what the parent spawns).
      child: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const int = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  let dtypes: BenchDtype[] = [...BENCH_DTYPES];
  if (values.dtype !== undefined) {
    if (!(BENCH_DTYPES as readonly string[]).includes(values.dtype)) throw new UsageError(`--dtype must be fp32 or q8, got "${values.dtype}"`);
    dtypes = [values.dtype as BenchDtype];
  }
  const batches = values.batch ? [...new Set(values.batch.flatMap((b) => b.split(',')).map((b) => int('batch', b.trim(), 0, 1, 4096)))] : DEFAULT_BATCHES;
  const modelsDir = values['models-dir'];
  return {
    modelsDir: modelsDir === undefined ? DEFAULT_MODELS_DIR : resolve(modelsDir),
    explicitModelsDir: modelsDir !== undefined,
    dtypes,
    threads: int('threads', values.threads, 1, 1, 64),
    batches,
    chunks: int('chunks', values.chunks, DEFAULT_CHUNKS, 1, 100_000),
    runs: int('runs', values.runs, DEFAULT_RUNS, 1, 1000),
    json: values.json,
    child: values.child,
  };
}

// ---------------------------------------------------------------------------------------------
// Progress goes to stderr, so --json output stays one clean object on stdout.

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

const ms = (start: number): number => performance.now() - start;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

interface Timing {
  runsMs: number[];
  minMs: number;
  medianMs: number;
}

/** One warm-up call, then `runs` timed calls; returns the timings and the last call's result. */
async function timed<T>(runs: number, label: string, f: () => Promise<T>): Promise<{ timing: Timing; last: T }> {
  const w = performance.now();
  let last = await f();
  progress(`${label}: warm-up ${(ms(w) / 1000).toFixed(2)} s`);
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = await f();
    runsMs.push(ms(t));
  }
  progress(`${label}: ${runsMs.map((x) => (x / 1000).toFixed(2)).join(', ')} s`);
  return { timing: { runsMs, minMs: Math.min(...runsMs), medianMs: median(runsMs) }, last };
}

// ---------------------------------------------------------------------------------------------
// The synthetic models: generated once into the cache folder when it lacks them.

function ensureModels(opts: Options): void {
  ensureBenchModels(opts.modelsDir, opts.explicitModelsDir, opts.dtypes, progress);
}

// ---------------------------------------------------------------------------------------------
// The corpus: seed documents prepared as ingest does, chunked by the model's tokenizer.

interface CorpusInfo {
  documents: number;
  totalChunks: number;
  chunkTokens: number;
  selectedMeanTokens: number;
  corpusMeanTokens: number;
  selectedMeanChars: number;
}

async function corpusChunks(inference: Inference, want: number): Promise<{ texts: string[]; info: CorpusInfo }> {
  const budget = chunkBudget(DEFAULT_CHUNK_TOKENS, inference.nliModel.maxTokens);
  const all: { text: string; tokens: number }[] = [];
  let documents = 0;
  for (const manifest of SEED_MANIFESTS) {
    const { entries, errors } = parseManifest(readFileSync(manifest, 'utf8'), manifest);
    if (errors.length) throw new Error(`${manifest}: ${errors[0]?.where}: ${errors[0]?.message}`);
    for (const entry of entries) {
      const prepared = prepareDocument(readFileSync(join(dirname(manifest), entry.file)), entry.file, MAX_DOC_BYTES);
      if (!prepared.ok) throw new Error(`${entry.file}: ${prepared.rejection.message}`);
      documents++;
      for (const c of await inference.chunk(prepared.document.text, budget)) all.push({ text: c.text, tokens: c.tokenCount });
    }
  }
  if (want > all.length) throw new UsageError(`--chunks ${want} is more than the ${all.length} chunks of the seed corpus`);
  // Evenly spaced over the corpus in manifest order, so every kind of document is represented.
  const picked = Array.from({ length: want }, (_, i) => all[Math.floor(((i + 0.5) * all.length) / want)] as { text: string; tokens: number });
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return {
    texts: picked.map((c) => c.text),
    info: {
      documents,
      totalChunks: all.length,
      chunkTokens: budget,
      selectedMeanTokens: mean(picked.map((c) => c.tokens)),
      corpusMeanTokens: mean(all.map((c) => c.tokens)),
      selectedMeanChars: mean(picked.map((c) => c.text.length)),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Event-loop blocking: the longest gap between ticks of a 10 ms timer while work runs.

interface Stall {
  callMs: number;
  longestGapMs: number;
  ticks: number;
}

const sleep = (n: number) => new Promise<void>((r) => setTimeout(r, n));

async function longestTimerGap(work: () => Promise<unknown>): Promise<Stall> {
  let last = performance.now();
  let longest = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    ticks++;
  }, TIMER_MS);
  try {
    await sleep(5 * TIMER_MS);
    const t = performance.now();
    await work();
    const callMs = ms(t);
    await sleep(2 * TIMER_MS);
    longest = Math.max(longest, performance.now() - last);
    return { callMs, longestGapMs: longest, ticks };
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// One dtype, measured in this process (the child).

interface NliResult {
  batch: number;
  timing: Timing;
  pairsPerSecMedian: number;
  pairsPerSecBest: number;
  chunksPerSecMedian: number;
  chunksPerSecBest: number;
  forwardPasses: number;
}

interface DtypeResult {
  dtype: BenchDtype;
  threads: number;
  loadMs: number;
  corpus: CorpusInfo;
  chunks: number;
  pairs: number;
  pairsPerChunk: number;
  embed: { timing: Timing; batchSize: number; perSecMedian: number; perSecBest: number; dimension: number };
  nli: NliResult[];
  rss: { beforeLoadMb: number; afterLoadMb: number; afterRunsMb: number; peakMb: number };
  blocking: { pairs: number; inProcess: Stall; workerThread: Stall; threadStartMs: number };
  /** Last run's scores per batch size, flattened [chunk][axis][probA, probB, relevance, score]: for the dtype comparison only. */
  scores: Record<string, number[]>;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

function flatten(scores: AxisScore[][]): number[] {
  return scores.flatMap((perAxis) => perAxis.flatMap((s) => [s.probA, s.probB, s.relevance, s.score]));
}

async function measureDtype(opts: Options, dtype: BenchDtype): Promise<DtypeResult> {
  const spec: InferenceSpec = {
    embedModel: EMBED_MODEL,
    nliModel: NLI_MODEL,
    settings: { modelsDir: opts.modelsDir, cacheDir: join(opts.modelsDir, '.cache'), dtype, threads: opts.threads },
    embedBatchSize: EMBED_BATCH_SIZE,
  };
  const axes: Axis[] = loadAxesFile();
  const beforeLoad = process.memoryUsage().rss;
  progress(`${dtype}: loading ${EMBED_MODEL} and ${NLI_MODEL} (${opts.threads} thread${opts.threads > 1 ? 's' : ''})`);
  const t = performance.now();
  const inference = await loadLocalInference(spec);
  const loadMs = ms(t);
  const afterLoad = process.memoryUsage().rss;
  progress(`${dtype}: loaded in ${(loadMs / 1000).toFixed(2)} s; chunking the seed corpus`);

  const { texts, info } = await corpusChunks(inference, opts.chunks);
  const pairs = buildNliPairs(texts, axes).length;
  const pairsPerChunk = buildNliPairs(texts.slice(0, 1), axes).length;

  const e = await timed(opts.runs, `${dtype} embed ${texts.length} chunks`, () => inference.embed(texts));
  const embedPerSec = (x: number) => texts.length / (x / 1000);

  const nli: NliResult[] = [];
  const scores: Record<string, number[]> = {};
  for (const batch of opts.batches) {
    const r = await timed(opts.runs, `${dtype} NLI batch ${batch} (${pairs} pairs)`, () => inference.nliScores(texts, axes, { batchSize: batch }));
    scores[String(batch)] = flatten(r.last);
    nli.push({
      batch,
      timing: r.timing,
      pairsPerSecMedian: pairs / (r.timing.medianMs / 1000),
      pairsPerSecBest: pairs / (r.timing.minMs / 1000),
      chunksPerSecMedian: texts.length / (r.timing.medianMs / 1000),
      chunksPerSecBest: texts.length / (r.timing.minMs / 1000),
      forwardPasses: Math.ceil(pairs / batch),
    });
  }
  const afterRuns = process.memoryUsage().rss;
  const peak = process.resourceUsage().maxRSS * 1024;

  // The same single NLI call (one chunk against every hypothesis, all pairs in one forward pass)
  // in this thread and in the inference worker thread; each after a warm-up call of its own.
  const one = texts.slice(0, 1);
  const call = (inf: Inference) => () => inf.nliScores(one, axes, { batchSize: pairsPerChunk });
  progress(`${dtype}: event-loop stall of one NLI batch (${pairsPerChunk} pairs), in-process`);
  await call(inference)();
  const inProcess = await longestTimerGap(call(inference));
  progress(`${dtype}: the same batch in the inference worker thread`);
  const ts = performance.now();
  const thread = await startInferenceThread(spec);
  const threadStartMs = ms(ts);
  let workerThread: Stall;
  try {
    await call(thread)();
    workerThread = await longestTimerGap(call(thread));
  } finally {
    await thread.close();
  }
  await inference.close();

  return {
    dtype,
    threads: opts.threads,
    loadMs,
    corpus: info,
    chunks: texts.length,
    pairs,
    pairsPerChunk,
    embed: {
      timing: e.timing,
      batchSize: EMBED_BATCH_SIZE,
      perSecMedian: embedPerSec(e.timing.medianMs),
      perSecBest: embedPerSec(e.timing.minMs),
      dimension: inference.embedModel.dimension,
    },
    nli,
    rss: { beforeLoadMb: mb(beforeLoad), afterLoadMb: mb(afterLoad), afterRunsMb: mb(afterRuns), peakMb: mb(peak) },
    blocking: { pairs: pairsPerChunk, inProcess, workerThread, threadStartMs },
    scores,
  };
}

// ---------------------------------------------------------------------------------------------
// The parent: one child process per dtype, then the comparison and the report.

function childArgs(opts: Options, dtype: BenchDtype): string[] {
  const args = ['--child', '--dtype', dtype, '--models-dir', opts.modelsDir, '--threads', String(opts.threads), '--chunks', String(opts.chunks), '--runs', String(opts.runs)];
  for (const b of opts.batches) args.push('--batch', String(b));
  return args;
}

function runChild(opts: Options, dtype: BenchDtype): Promise<DtypeResult> {
  // process.execArgv carries tsx's loader, so the child runs this TypeScript file the same way.
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...childArgs(opts, dtype)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) return reject(new ChildError(`the ${dtype} run failed (${signal ?? `exit code ${code}`}); see its messages above`));
      try {
        resolvePromise(JSON.parse(out) as DtypeResult);
      } catch (err) {
        reject(new ChildError(`the ${dtype} run printed no result: ${(err as Error).message}`));
      }
    });
  });
}

interface Diff {
  maxAbsProb: number;
  meanAbsProb: number;
  maxAbsScore: number;
  meanAbsScore: number;
}

/** Differences between two flattened score lists: probabilities (probA, probB, relevance) and scores apart. */
function diff(a: number[], b: number[]): Diff {
  let maxP = 0;
  let sumP = 0;
  let nP = 0;
  let maxS = 0;
  let sumS = 0;
  let nS = 0;
  a.forEach((x, i) => {
    const d = Math.abs(x - (b[i] ?? NaN));
    if (i % 4 === 3) {
      maxS = Math.max(maxS, d);
      sumS += d;
      nS++;
    } else {
      maxP = Math.max(maxP, d);
      sumP += d;
      nP++;
    }
  });
  return { maxAbsProb: maxP, meanAbsProb: sumP / nP, maxAbsScore: maxS, meanAbsScore: sumS / nS };
}

interface Report {
  command: string;
  note: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverageStart: number[]; loadAverageEnd: number[] };
  models: { dir: string; embed: string; nli: string };
  settings: { threads: number; runs: number; warmups: number; batches: number[]; productNliBatch: number; embedBatch: number; timerMs: number };
  results: Omit<DtypeResult, 'scores'>[];
  bestBatch: Record<string, { batch: number; pairsPerSec: number }>;
  scoreDifferences: {
    fp32VsQ8: { batch: number; diff: Diff }[];
    versusFirstBatch: { dtype: BenchDtype; baseline: number; batch: number; diff: Diff }[];
  };
  totalSeconds: number;
}

function buildReport(opts: Options, results: DtypeResult[], started: number, loadStart: number[]): Report {
  const bestBatch: Report['bestBatch'] = {};
  for (const r of results) {
    const best = r.nli.reduce((a, b) => (b.pairsPerSecMedian > a.pairsPerSecMedian ? b : a));
    bestBatch[r.dtype] = { batch: best.batch, pairsPerSec: best.pairsPerSecMedian };
  }
  const fp32 = results.find((r) => r.dtype === 'fp32');
  const q8 = results.find((r) => r.dtype === 'q8');
  const fp32VsQ8 = fp32 && q8 ? opts.batches.map((b) => ({ batch: b, diff: diff(fp32.scores[String(b)] ?? [], q8.scores[String(b)] ?? []) })) : [];
  const versusFirstBatch: Report['scoreDifferences']['versusFirstBatch'] = [];
  for (const r of results) {
    const base = opts.batches[0] as number;
    for (const b of opts.batches.slice(1)) {
      versusFirstBatch.push({ dtype: r.dtype, baseline: base, batch: b, diff: diff(r.scores[String(base)] ?? [], r.scores[String(b)] ?? []) });
    }
  }
  const cpu = cpus();
  return {
    command: ['npx', 'tsx', 'bench/pipeline.ts', ...process.argv.slice(2)].join(' '),
    note: 'SYNTHETIC random-weight models in the real shapes: speeds are meaningful, model outputs are not.',
    machine: { cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', memoryGb: totalmem() / 1024 ** 3, node: process.version, loadAverageStart: loadStart, loadAverageEnd: loadavg() },
    models: { dir: opts.modelsDir, embed: EMBED_MODEL, nli: NLI_MODEL },
    settings: { threads: opts.threads, runs: opts.runs, warmups: 1, batches: opts.batches, productNliBatch: NLI_BATCH_SIZE, embedBatch: EMBED_BATCH_SIZE, timerMs: TIMER_MS },
    results: results.map(({ scores: _scores, ...rest }) => rest),
    bestBatch,
    scoreDifferences: { fp32VsQ8, versusFirstBatch },
    totalSeconds: ms(started) / 1000,
  };
}

function table(header: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAlign[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const f = (x: number, digits = 1) => x.toFixed(digits);
const sci = (x: number) => (x === 0 ? '0' : x.toExponential(1));

function printReport(report: Report): void {
  const first = report.results[0];
  if (!first) return;
  const c = first.corpus;
  const out: string[] = [];
  out.push('stance pipeline benchmark: SYNTHETIC random-weight models (speed only; their outputs mean nothing)');
  out.push(`command: ${report.command}`);
  const load = (l: number[]) => l.map((x) => f(x, 2)).join(' ');
  out.push(`machine: ${report.machine.cpus} x ${report.machine.cpuModel}, ${f(report.machine.memoryGb)} GB, Node ${report.machine.node}`);
  // The figures are only as good as the machine is idle: other processes take cores from ONNX Runtime.
  out.push(`load:    1/5/15-min load average ${load(report.machine.loadAverageStart)} at start, ${load(report.machine.loadAverageEnd)} at end`);
  out.push(`models:  ${report.models.embed} (embeddings, ${first.embed.dimension}-d), ${report.models.nli} (NLI) in ${report.models.dir}`);
  out.push(
    `chunks:  ${first.chunks} of the ${c.totalChunks} chunks of ${c.documents} seed documents (budget ${c.chunkTokens} tokens; ` +
      `mean ${f(c.selectedMeanTokens, 0)} tokens, corpus mean ${f(c.corpusMeanTokens, 0)})`,
  );
  out.push(`NLI:     ${first.pairsPerChunk} (chunk x hypothesis) pairs per chunk from config/axes.json = ${first.pairs} pairs per run`);
  out.push(
    `runs:    1 warm-up + ${report.settings.runs} timed per row; ${report.settings.threads} ONNX thread(s); embed batch ${report.settings.embedBatch}; ` +
      `product NLI batch (app/step-context.ts) ${report.settings.productNliBatch}`,
  );
  out.push('');
  out.push('Load, embeddings and memory (each dtype in its own process)');
  out.push(
    table(
      ['dtype', 'load s', 'embed median s', 'embed min s', 'emb/s (median)', 'emb/s (best)', 'RSS start MB', 'RSS loaded MB', 'RSS after MB', 'peak RSS MB'],
      report.results.map((r) => [
        r.dtype,
        f(r.loadMs / 1000, 2),
        f(r.embed.timing.medianMs / 1000, 2),
        f(r.embed.timing.minMs / 1000, 2),
        f(r.embed.perSecMedian),
        f(r.embed.perSecBest),
        f(r.rss.beforeLoadMb, 0),
        f(r.rss.afterLoadMb, 0),
        f(r.rss.afterRunsMb, 0),
        f(r.rss.peakMb, 0),
      ]),
      [false, true, true, true, true, true, true, true, true, true],
    ),
  );
  out.push('');
  out.push('NLI scoring (nliScores over all chunks x hypotheses)');
  out.push(
    table(
      ['dtype', 'batch', 'passes', 'median s', 'min s', 'pairs/s (median)', 'pairs/s (best)', 'chunks/s (median)', 'chunks/s (best)'],
      report.results.flatMap((r) =>
        r.nli.map((n) => [
          r.dtype,
          String(n.batch),
          String(n.forwardPasses),
          f(n.timing.medianMs / 1000, 2),
          f(n.timing.minMs / 1000, 2),
          f(n.pairsPerSecMedian),
          f(n.pairsPerSecBest),
          f(n.chunksPerSecMedian, 2),
          f(n.chunksPerSecBest, 2),
        ]),
      ),
      [false, true, true, true, true, true, true, true, true],
    ),
  );
  out.push(`best batch (median pairs/s): ${Object.entries(report.bestBatch).map(([d, b]) => `${d} ${b.batch} (${f(b.pairsPerSec)} pairs/s)`).join('; ')}`);
  out.push('');
  out.push(`Event-loop stall: longest gap of a ${report.settings.timerMs} ms setInterval in the main thread during one NLI call (1 chunk x ${first.blocking.pairs} hypotheses, one forward pass)`);
  out.push(
    table(
      ['dtype', 'where', 'call ms', 'longest gap ms', 'ticks'],
      report.results.flatMap((r) => [
        [r.dtype, 'in-process (loadLocalInference)', f(r.blocking.inProcess.callMs), f(r.blocking.inProcess.longestGapMs), String(r.blocking.inProcess.ticks)],
        [r.dtype, 'worker thread (startInferenceThread)', f(r.blocking.workerThread.callMs), f(r.blocking.workerThread.longestGapMs), String(r.blocking.workerThread.ticks)],
      ]),
      [false, false, true, true, true],
    ),
  );
  out.push(`(starting the inference thread, models included: ${report.results.map((r) => `${r.dtype} ${f(r.blocking.threadStartMs / 1000, 2)} s`).join(', ')})`);
  const d = report.scoreDifferences;
  if (d.fp32VsQ8.length || d.versusFirstBatch.length) {
    out.push('');
    out.push('Numeric differences of the (meaningless) outputs: |difference| of entailment probabilities (probA, probB, relevance) and of scores, all chunks and axes');
    const rows = [
      ...d.fp32VsQ8.map((x) => [`fp32 vs q8, batch ${x.batch}`, sci(x.diff.maxAbsProb), sci(x.diff.meanAbsProb), sci(x.diff.maxAbsScore), sci(x.diff.meanAbsScore)]),
      ...d.versusFirstBatch.map((x) => [`${x.dtype}: batch ${x.batch} vs batch ${x.baseline}`, sci(x.diff.maxAbsProb), sci(x.diff.meanAbsProb), sci(x.diff.maxAbsScore), sci(x.diff.meanAbsScore)]),
    ];
    out.push(table(['compared', 'max |dp|', 'mean |dp|', 'max |dscore|', 'mean |dscore|'], rows, [false, true, true, true, true]));
  }
  out.push('');
  out.push(`total ${f(report.totalSeconds)} s`);
  process.stdout.write(out.join('\n') + '\n');
}

async function main(): Promise<void> {
  let opts: Options | 'help';
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench/pipeline.ts: ${(err as Error).message}\nRun with --help for the options.\n`);
    process.exitCode = 2;
    return;
  }
  if (opts === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (opts.child) {
    const dtype = opts.dtypes[0] as BenchDtype;
    const result = await measureDtype(opts, dtype);
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const started = performance.now();
  const loadStart = loadavg();
  if ((loadStart[0] ?? 0) > cpus().length / 2) progress(`the machine is busy (load average ${loadStart.map((x) => x.toFixed(2)).join(' ')}): timings will be slower and noisier`);
  ensureModels(opts);
  const results: DtypeResult[] = [];
  for (const dtype of opts.dtypes) results.push(await runChild(opts, dtype));
  const report = buildReport(opts, results, started, loadStart);
  if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else printReport(report);
}

main().catch((err: unknown) => {
  const e = err as Error;
  process.stderr.write(`bench/pipeline.ts: ${e instanceof UsageError || e instanceof SetupError || e instanceof ChildError ? e.message : (e.stack ?? e.message)}\n`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
});
