import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/in-process-cli.ts';
import { startPrivatePostgres, startPrivateRedis, spawnWorker, type PrivatePostgres, type PrivateRedis, type WorkerProcess } from '../helpers/chaos.ts';
import { cleanRunCounts, corpusFiles, storeCounts, type StoreCounts } from '../helpers/chaos-pipeline.ts';
import { TINY_MODEL_ENV } from '../helpers/models.ts';

// Faults against Redis and Postgres servers of this file's own (other ports, temporary folders):
// the shared servers are never touched. Each scenario starts from an empty database and Redis and
// must end with every document done and the row counts of a clean run.
// The workers are processes of their own (they are what gets killed); migrate, ingest, status,
// process and retry run in this process (runCliInProcess), against the same servers.

const FILES = corpusFiles(8);
const SOURCE = 'Chaos';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let pg: PrivatePostgres | undefined;
let redis: PrivateRedis | undefined;
let clean: StoreCounts;
let env: Record<string, string>;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
  clean = await cleanRunCounts(pg.adminUrl, FILES, SOURCE);
  env = {
    ...TINY_MODEL_ENV,
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    STANCE_QUEUE_PREFIX: 'chaos',
    LOG_LEVEL: 'info',
    // Short pauses so faults play out in seconds (README: environment variables).
    STANCE_JOB_ATTEMPTS: '3',
    STANCE_JOB_BACKOFF_MS: '200',
    STANCE_JOB_LOCK_MS: '2000',
    STANCE_RECONCILE_INTERVAL_MS: '1000',
    STANCE_STALE_AFTER_MS: '1000',
  };
}, 120_000);

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await Promise.allSettled([pg?.destroy(), redis?.destroy()]);
});

async function freshState(): Promise<void> {
  await pg!.recreateDatabase();
  const r = new Redis(redis!.url);
  await r.flushall();
  r.disconnect();
  expect((await runCliInProcess(['db', 'migrate'], env)).code).toBe(0);
}

async function ingest(extra: Record<string, string> = {}): Promise<void> {
  const r = await runCliInProcess(['ingest', ...FILES, '--source', SOURCE], { ...env, ...extra });
  expect(r.stderr).toContain(`queued ${FILES.length} document(s) for the workers`);
  expect(r.code).toBe(0);
}

function worker(extra: Record<string, string> = {}): WorkerProcess {
  const w = spawnWorker({ ...env, ...extra });
  workers.push(w);
  return w;
}

// Generous bounds: on an idle machine each scenario takes seconds, on a busy one a worker's start
// alone can take a minute. Nothing asserts on time.
const WAIT_MS = 180_000;
const TEST_MS = 420_000;

async function until(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!probe()) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not seen in ${timeoutMs} ms\n${workers.map((w) => w.log().slice(-3000)).join('\n---\n')}`);
    await sleep(100);
  }
}

async function waitFor(what: string, probe: (c: StoreCounts) => boolean, timeoutMs = WAIT_MS): Promise<StoreCounts> {
  const start = Date.now();
  for (;;) {
    const c = await storeCounts(pg!.url).catch(() => undefined);
    if (c && probe(c)) return c;
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not reached in ${timeoutMs} ms: ${JSON.stringify(c?.statuses)}\n${workers.map((w) => w.log().slice(-3000)).join('\n---\n')}`);
    await sleep(150);
  }
}

const allDone = (c: StoreCounts) => (c.statuses.done ?? 0) === FILES.length;
// Mid-batch: some work stored, not all of it.
const midBatch = (c: StoreCounts) => c.embeddings > 0 && (c.statuses.done ?? 0) < FILES.length - 2;

function expectCleanCounts(c: StoreCounts): void {
  expect(c.statuses).toEqual({ done: FILES.length });
  expect(c.chunksByHash).toEqual(clean.chunksByHash);
  expect([c.chunks, c.embeddings, c.scores]).toEqual([clean.chunks, clean.embeddings, clean.scores]);
}

describe('queue recovery under faults (own Redis and Postgres)', () => {
  it('a worker killed with kill -9 mid-batch: another worker finishes every document', { timeout: TEST_MS }, async () => {
    await freshState();
    await ingest();
    const first = worker();
    await waitFor('mid-batch', midBatch);
    await first.kill();
    const second = worker();
    expectCleanCounts(await waitFor('all done', allDone));
    expect(second.log()).toContain('workers ready');
  });

  it('Redis restarted without its data while a worker runs: reconciliation queues the lost documents again', { timeout: TEST_MS }, async () => {
    await freshState();
    await ingest();
    const w = worker();
    await waitFor('mid-batch', midBatch);
    await redis!.stop({ save: false });
    await redis!.start();
    expectCleanCounts(await waitFor('all done', allDone));
    expect(w.log()).toContain('queued documents that had no live job');
  });

  it('Redis restarted without its data and no worker: status shows the stuck documents, process re-queues them', { timeout: TEST_MS }, async () => {
    await freshState();
    await ingest();
    const w = worker();
    await waitFor('mid-batch', midBatch);
    await w.stop();
    await redis!.stop({ save: false });
    await redis!.start();
    await sleep(1100); // past STANCE_STALE_AFTER_MS
    const status = JSON.parse((await runCliInProcess(['status', '--json'], env)).stdout) as { stuck: { id: number; status: string }[]; stuck_fix: string; in_progress: { id: number; stuck: boolean }[] };
    const unfinished = await storeCounts(pg!.url);
    const waiting = (unfinished.statuses.queued ?? 0) + (unfinished.statuses.processing ?? 0);
    expect(waiting).toBeGreaterThan(0);
    expect(status.stuck).toHaveLength(waiting);
    expect(status.stuck_fix).toMatch(/stance process/);
    expect(status.in_progress.every((d) => d.stuck)).toBe(true);
    expect((await runCliInProcess(['status'], env)).stdout).toMatch(/Stuck: \d+ document\(s\)[\s\S]*Fix: run `stance process`/);

    const processed = await runCliInProcess(['process', '--json'], env);
    expect(processed.code).toBe(0);
    const answer = JSON.parse(processed.stdout) as { counts: Record<string, number>; documents: { document_id: number; action: string; job_id: string }[] };
    expect((answer.counts.queued ?? 0) + (answer.counts.requeued_stale ?? 0)).toBe(waiting);
    expect(answer.counts.skipped_live).toBe(0);
    expect(new Set(answer.documents.map((d) => d.job_id)).size).toBe(waiting);
    // Run again before a worker starts: every document now has a live job, nothing is queued twice.
    const again = JSON.parse((await runCliInProcess(['process', '--json'], { ...env })).stdout) as { counts: Record<string, number> };
    expect(again.counts).toMatchObject({ queued: 0, requeued_stale: 0, skipped_live: waiting });

    worker({ STANCE_RECONCILE_INTERVAL_MS: '600000' });
    expectCleanCounts(await waitFor('all done', allDone));
  });

  it('Redis restarted with its data: jobs resume and every document finishes', { timeout: TEST_MS }, async () => {
    await freshState();
    await ingest();
    worker();
    await waitFor('mid-batch', midBatch);
    await redis!.stop({ save: true });
    await sleep(500);
    await redis!.start();
    expectCleanCounts(await waitFor('all done', allDone));
  });

  it('Postgres down past the retry budget: failures are recorded when it returns, without SQL, and process --failed finishes them', { timeout: TEST_MS }, async () => {
    await freshState();
    await ingest();
    // Reconciliation only at start, so what this checks is the recording of failures.
    const w = worker({ STANCE_JOB_ATTEMPTS: '2', STANCE_JOB_BACKOFF_MS: '100', STANCE_RECONCILE_INTERVAL_MS: '600000' });
    await waitFor('mid-batch', midBatch);
    await pg!.stop();
    try {
      // Down until a job has failed for good and its failure could not be written.
      await until('a failure that cannot be recorded', () => w.log().includes('could not record failure yet; retrying'), WAIT_MS);
    } finally {
      await pg!.start();
    }
    // The worker lived through the restart (postgres.js' stray rejection did not end it).
    expect(w.child.exitCode).toBeNull();
    const recorded = await waitFor('failures recorded', (c) => (c.statuses.queued ?? 0) + (c.statuses.processing ?? 0) === 0);
    expect(recorded.statuses.failed).toBeGreaterThan(0);
    const db = postgres(pg!.url, { max: 1, onnotice: () => {} });
    const failed = await db<{ id: number; error: string }[]>`select id, error from documents where status = 'failed' order by id`;
    await db.end();
    for (const f of failed) {
      expect(f.error).toMatch(/connection failed to 127\.0\.0\.1:\d+ \((ECONNREFUSED|CONNECT_TIMEOUT|CONNECTION_\w+|ECONNRESET)\)|database unavailable \(57P0\d/);
      expect(f.error).not.toMatch(/select|insert|update|params|Failed query/i);
    }

    // One by retry, the rest by process --failed; unknown and done ids are named, the others go on.
    const [one, ...rest] = failed;
    const doneId = (await storeCounts(pg!.url)).statuses.done ? await firstDoneId() : undefined;
    const retry = await runCliInProcess(['retry', String(one!.id), '999999', ...(doneId ? [String(doneId)] : []), '--json'], env);
    expect(retry.code).toBe(1); // 999999 does not exist
    const retried = JSON.parse(retry.stdout) as { counts: Record<string, number>; not_found: number[]; already_done: number[] };
    expect(retried.counts.requeued_failed).toBe(1);
    expect(retried.not_found).toEqual([999999]);
    expect(retried.already_done).toEqual(doneId ? [doneId] : []);
    const processed = JSON.parse((await runCliInProcess(['process', '--failed', '--json'], env)).stdout) as { counts: Record<string, number> };
    expect(processed.counts.requeued_failed).toBe(rest.length);
    expectCleanCounts(await waitFor('all done', allDone));
  });

  it('database recreated with Redis kept: the new documents are processed, not taken for the old jobs', { timeout: TEST_MS }, async () => {
    await freshState();
    await ingest();
    const w = worker();
    await waitFor('first round done', allDone);
    await w.stop();
    // Same name, same document ids from 1, same attempts; Redis still holds the finished jobs.
    await pg!.recreateDatabase();
    expect((await runCliInProcess(['db', 'migrate'], env)).code).toBe(0);
    await ingest();
    worker({ STANCE_RECONCILE_INTERVAL_MS: '600000' });
    expectCleanCounts(await waitFor('second round done', allDone));
  });
});

async function firstDoneId(): Promise<number | undefined> {
  const db = postgres(pg!.url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await db<{ id: number }[]>`select id from documents where status = 'done' order by id limit 1`;
    return row?.id;
  } finally {
    await db.end();
  }
}
