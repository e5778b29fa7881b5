// Soak of the queue under faults: N generated documents through 2 `stance worker` processes that
// are killed with kill -9 at random moments (and restarted), with one Redis restart that loses its
// data, on a Redis and a Postgres of its own (test/helpers/chaos.ts). Reports documents per second,
// retries, stalls and re-queues, and checks zero loss and zero duplication against expectations
// computed apart from the run (the chunker on each stored text). Not a test: it reports.
//
//   npm run bench:soak -- [--documents 1000] [--workers 2] [--kill-every 8] [--redis-restart lose|keep|none] [--json]
//
// Runs the synthetic tiny models of test/fixtures/models: their speed and mechanics are real, their
// scores are not findings about texts.

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { chunkBudget, loadLocalInference } from '../app/inference.ts';
import { ingestDocuments } from '../app/ingest.ts';
import { enqueueDocuments } from '../app/requeue.ts';
import { openDatabase } from '../db/client.ts';
import { loadAxesFile } from '../pipeline/load-axes.ts';
import { producerConnection } from '../workers/connection.ts';
import { openProducer } from '../workers/producer.ts';
import { spawnWorker, startPrivatePostgres, startPrivateRedis, type WorkerProcess } from '../test/helpers/chaos.ts';
import { TINY_MODEL_ENV, tinyModelSpec } from '../test/helpers/models.ts';

const { values: args } = parseArgs({
  options: {
    documents: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '2' },
    'kill-every': { type: 'string', default: '8' },
    'redis-restart': { type: 'string', default: 'lose' },
    'timeout-minutes': { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(args.documents);
const WORKERS = Number(args.workers);
const KILL_EVERY_S = Number(args['kill-every']);
const REDIS_RESTART = args['redis-restart'] as 'lose' | 'keep' | 'none';
const CHUNK_TOKENS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const note = (m: string) => !args.json && process.stderr.write(`${m}\n`);

// Deterministic generator: a seeded PRNG, so two runs soak the same texts.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const WORDS = (
  'states sovereignty multistakeholder governance internet security rights privacy freedom expression access open ' +
  'cybercrime terrorism information control public order civil society private sector technical community bottom-up ' +
  'intergovernmental union telecommunication cooperation norms stability trust development infrastructure peace'
).split(' ');
function documentText(i: number, rand: () => number): string {
  const sentences: string[] = [`Document ${i} of the soak.`];
  const count = 4 + Math.floor(rand() * 12);
  for (let s = 0; s < count; s++) {
    const len = 8 + Math.floor(rand() * 14);
    const words = Array.from({ length: len }, () => WORDS[Math.floor(rand() * WORDS.length)] as string);
    sentences.push(`${words.join(' ').replace(/^./, (c) => c.toUpperCase())}.`);
  }
  return sentences.join(' ');
}

const pg = await startPrivatePostgres();
const redis = await startPrivateRedis();
const workers: WorkerProcess[] = [];
let exitCode = 0;
// Ctrl-C must not leave servers and workers behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all(workers.map((w) => w.kill()))
      .then(() => Promise.allSettled([pg.destroy(), redis.destroy()]))
      .finally(() => process.exit(130));
  });
}
try {
  const env = {
    ...TINY_MODEL_ENV,
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    STANCE_QUEUE_PREFIX: 'soak',
    LOG_LEVEL: 'info',
    STANCE_JOB_LOCK_MS: '5000',
    STANCE_RECONCILE_INTERVAL_MS: '3000',
    STANCE_STALE_AFTER_MS: '5000',
    STANCE_JOB_BACKOFF_MS: '500',
  };
  const database = await openDatabase({ databaseUrl: pg.url, dataDir: '/unused', migrations: 'apply' });
  const rand = prng(8);
  const inputs = Array.from({ length: N }, (_, i) => ({ file: `soak-${i}.txt`, content: documentText(i, rand), meta: { source: `Soak source ${i % 7}` } }));
  const outcomes = await ingestDocuments(database.db, inputs, { maxDocBytes: 1_000_000 });
  const ids = outcomes.flatMap((o) => (o.status === 'created' ? [o.documentId] : []));
  if (ids.length !== N) throw new Error(`ingest stored ${ids.length} of ${N} documents`);

  // Expected chunks per document, from the chunker alone (the pipeline's first step, run here apart).
  note(`computing expected chunks of ${N} documents...`);
  const inference = await loadLocalInference(tinyModelSpec());
  const budget = chunkBudget(CHUNK_TOKENS, inference.nliModel.maxTokens);
  const texts = await database.db.query.documents.findMany({ columns: { id: true, text: true } });
  const expectedChunks = new Map<number, number>();
  for (const t of texts) expectedChunks.set(t.id, (await inference.chunk(t.text, budget)).length);
  await inference.close();
  const axes = loadAxesFile().length;

  note(`queueing ${N} documents; starting ${WORKERS} workers`);
  const producerRedis = producerConnection(redis.url);
  const producer = openProducer(producerRedis, 'soak');
  await enqueueDocuments(database.db, producer, ids);
  await producer.close();
  producerRedis.disconnect();

  const started = performance.now();
  const logs: string[] = [];
  const launch = (slot: number) => {
    const w = spawnWorker(env, 2);
    workers[slot] = w;
    return w;
  };
  for (let i = 0; i < WORKERS; i++) launch(i);
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  const doneCount = async () => (await sql<{ n: number }[]>`select count(*)::int n from documents where status = 'done'`)[0]!.n;
  let kills = 0;
  let redisRestarts = 0;
  let nextKill = performance.now() + KILL_EVERY_S * 1000 * (0.5 + rand());
  const timeout = Number(args['timeout-minutes']) * 60_000;
  for (;;) {
    const done = await doneCount();
    if (done === N) break;
    if (performance.now() - started > timeout) throw new Error(`soak not finished after ${args['timeout-minutes']} minutes: ${done} of ${N} done`);
    if (REDIS_RESTART !== 'none' && redisRestarts === 0 && done >= N / 2) {
      note(`restarting Redis (${REDIS_RESTART === 'lose' ? 'without' : 'with'} its data) at ${done} done`);
      await redis.stop({ save: REDIS_RESTART === 'keep' });
      await sleep(1000);
      await redis.start();
      redisRestarts++;
    }
    // Only a worker that is up and has worked a while is killed: on a busy machine a start can
    // take longer than the kill interval, and killing workers that never started soaks nothing.
    const ready = workers.map((w, slot) => ({ w, slot })).filter(({ w }) => w.log().includes('workers ready'));
    // The next kill is scheduled once every worker is up again.
    if (nextKill === Number.POSITIVE_INFINITY && ready.length === WORKERS) nextKill = performance.now() + KILL_EVERY_S * 1000 * (0.5 + rand());
    if (KILL_EVERY_S > 0 && performance.now() > nextKill && ready.length === WORKERS) {
      const { w: victim, slot } = ready[Math.floor(rand() * ready.length)]!;
      logs.push(victim.log());
      await victim.kill();
      kills++;
      note(`kill -9 of worker ${slot} at ${done} done (kill ${kills}); restarting it`);
      launch(slot);
      nextKill = Number.POSITIVE_INFINITY;
    }
    await sleep(250);
  }
  const seconds = (performance.now() - started) / 1000;
  for (const w of workers) {
    await w.stop();
    logs.push(w.log());
  }

  // Loss and duplication, against the expectations above.
  const [totals] = await sql<{ docs: number; done: number; chunks: number; embeddings: number; scores: number; requeues: number; bad_ordinals: number }[]>`
    select (select count(*)::int from documents) docs,
           (select count(*)::int from documents where status = 'done') done,
           (select count(*)::int from chunks) chunks,
           (select count(*)::int from embeddings) embeddings,
           (select count(*)::int from stance_scores) scores,
           (select coalesce(sum(queue_attempt), 0)::int from documents) requeues,
           (select count(*)::int from (select document_id from chunks group by document_id
                                       having count(*) <> max(ordinal) + 1 or min(ordinal) <> 0) g) bad_ordinals`;
  const perDoc = await sql<{ id: number; n: number }[]>`select d.id, count(c.id)::int n from documents d left join chunks c on c.document_id = d.id group by d.id`;
  const chunkMismatches = perDoc.filter((r) => expectedChunks.get(r.id) !== r.n).length;
  const expectedTotal = [...expectedChunks.values()].reduce((a, b) => a + b, 0);
  await sql.end();
  await database.close();
  const all = logs.join('\n');
  const count = (msg: string) => all.split('\n').filter((l) => l.includes(`"msg":"${msg}`)).length;
  const t = totals!;
  const report = {
    documents: N,
    workers: WORKERS,
    seconds: Math.round(seconds * 10) / 10,
    documents_per_second: Math.round((N / seconds) * 100) / 100,
    kills,
    redis_restarts: redisRestarts,
    redis_restart_mode: REDIS_RESTART,
    job_failures_retried: count('job failed'),
    jobs_stalled: count('job stalled'),
    documents_requeued: t.requeues,
    chunks: t.chunks,
    expected_chunks: expectedTotal,
    embeddings: t.embeddings,
    scores: t.scores,
    expected_scores: expectedTotal * axes * 2,
    lost_documents: t.docs - t.done,
    documents_with_wrong_chunk_count: chunkMismatches,
    documents_with_bad_ordinals: t.bad_ordinals,
    duplicated_embeddings: t.embeddings - t.chunks,
    zero_loss: t.done === N && chunkMismatches === 0 && t.chunks === expectedTotal,
    zero_duplication: t.embeddings === t.chunks && t.scores === expectedTotal * axes * 2 && t.bad_ordinals === 0,
  };
  if (!report.zero_loss || !report.zero_duplication) exitCode = 1;
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else for (const [k, v] of Object.entries(report)) console.log(`${k.padEnd(36)} ${String(v)}`);
} catch (err) {
  process.stderr.write(`soak failed: ${(err as Error).stack ?? String(err)}\n`);
  exitCode = 1;
} finally {
  await Promise.all(workers.map((w) => w.kill()));
  await Promise.allSettled([pg.destroy(), redis.destroy()]);
}
process.exit(exitCode);
