// "Today's inline runner" as it really was: the code of TODAY_COMMIT (the last commit before the
// throughput work of issue 12), run from a checkout of it on the bench's documents and models.
// The bench's own `c_today_inline_pglite` emulates that runner with today's code (gate off,
// 1 session x 1 thread, the old batch sizes), so it also carries every later fix that is not about
// throughput (model files read once, fewer queries per batch); this one does not.
//
//   git worktree add ../stance-today a3dbaa2b8a53970c729ac436fff0520e53bba72d
//   (cd ../stance-today && ONNXRUNTIME_NODE_INSTALL=skip npm ci)
//   npm run bench -- --today-checkout ../stance-today

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

export const TODAY_COMMIT = 'a3dbaa2b8a53970c729ac436fff0520e53bba72d';

/** Why `dir` cannot serve as the checkout of TODAY_COMMIT, or undefined when it can. */
export function todayCheckoutProblem(dir: string): string | undefined {
  const how = `make one with \`git worktree add ../stance-today ${TODAY_COMMIT.slice(0, 7)} && (cd ../stance-today && npm ci)\` and pass that folder`;
  if (!existsSync(join(dir, 'app', 'run-inline.ts'))) return `--today-checkout ${dir}: not a checkout of stance (no app/run-inline.ts); ${how}`;
  let head = '';
  try {
    head = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return `--today-checkout ${dir}: git cannot tell its commit; ${how}`;
  }
  if (head !== TODAY_COMMIT) return `--today-checkout ${dir}: it is at ${head.slice(0, 7)}, not ${TODAY_COMMIT.slice(0, 7)} (the runner before issue 12); ${how}`;
  if (!existsSync(join(dir, 'node_modules', '@huggingface', 'transformers'))) return `--today-checkout ${dir}: its dependencies are not installed; run \`npm ci\` in it`;
  return undefined;
}

interface TodayWork {
  modelsDir: string;
  embedModel: string;
  nliModel: string;
  dtype: string;
  documents: string[];
}

/**
 * That commit's inline runner on the bench's documents, timed like the bench's (c): ingest first,
 * then the clock runs over processInline alone. Its modules are imported from the checkout, so
 * they resolve their packages from its node_modules (the versions of that day). The API used is
 * that commit's: models loaded in this thread (loadLocalInference), one ONNX Runtime thread.
 */
export async function runTodayCheckout(work: TodayWork, dir: string) {
  const from = async (file: string) => import(pathToFileURL(resolve(dir, file)).href);
  const { inferenceSpecFrom, loadLocalInference } = await from('app/inference.ts');
  const { ingestDocuments } = await from('app/ingest.ts');
  const { processInline, unfinishedDocumentIds } = await from('app/run-inline.ts');
  const { createStepContext } = await from('app/step-context.ts');
  const { parseConfig } = await from('config/config.ts');
  const { openDatabase } = await from('db/client.ts');
  const { loadAxesFile } = await from('pipeline/load-axes.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'stance-bench-today-'));
  const config = parseConfig({ STANCE_MODELS_DIR: work.modelsDir, STANCE_EMBED_MODEL: work.embedModel, STANCE_NLI_MODEL: work.nliModel, STANCE_MODEL_DTYPE: work.dtype, LOG_LEVEL: 'warn' });
  const database = await openDatabase({ dataDir, migrations: 'apply' });
  try {
    const inference = await loadLocalInference(inferenceSpecFrom(config));
    const ctx = await createStepContext(database.db, inference, loadAxesFile(), config);
    const inputs = work.documents.map((content, i) => ({ file: `bench-${i}.txt`, content, meta: { source: `source ${i % 4}`, title: `bench document ${i}` } }));
    await ingestDocuments(database.db, inputs, { maxDocBytes: 5_000_000 });
    const ids: number[] = await unfinishedDocumentIds(ctx);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const start = performance.now();
    const results: { status: string; chunks: number; error?: string }[] = await processInline(ctx, ids);
    const seconds = (performance.now() - start) / 1000;
    loop.disable();
    const failed = results.filter((r) => r.status !== 'done');
    if (failed.length) throw new Error(`${failed.length} document(s) failed in the ${TODAY_COMMIT.slice(0, 7)} runner: ${failed[0]?.error}`);
    const chunks = results.reduce((n, r) => n + r.chunks, 0);
    return { chunks, seconds, event_loop_p99_ms: loop.percentile(99) / 1e6 };
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
