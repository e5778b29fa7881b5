import { QueueEvents, type Job } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDocuments } from '../../app/ingest.ts';
import { loadLocalInference, type Inference } from '../../app/inference.ts';
import { createLogger } from '../../app/log.ts';
import { processInline } from '../../app/run-inline.ts';
import { createStepContext } from '../../app/step-context.ts';
import type { StepContext } from '../../app/steps.ts';
import { openDatabase, queryRows, type Database } from '../../db/client.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import { documents, sources } from '../../db/schema/index.ts';
import { PayloadError } from '../../workers/catalog.ts';
import { databaseIncarnation } from '../../db/incarnation.ts';
import { documentJobId } from '../../workers/job-ids.ts';
import { producerConnection, workerConnection } from '../../workers/connection.ts';
import { startInferenceThread } from '../../workers/inference-client.ts';
import { openProducer, type Producer } from '../../workers/producer.ts';
import { startWorkers, type RunningWorkers } from '../../workers/run-workers.ts';
import { openTempPglite } from '../helpers/db.ts';
import { tinyModelSpec } from '../helpers/models.ts';
import { seedInputs } from '../helpers/seeds.ts';
import { createTestDatabase, postgresAvailable, redisAvailable, TEST_REDIS_URL, uniqueQueuePrefix } from '../helpers/services.ts';

const services = (await postgresAvailable()) && (await redisAvailable());
const axes = loadAxesFile();
const logger = createLogger('silent');

interface Harness {
  database: Database;
  inference: Inference;
  ctx: StepContext;
  producer: Producer;
  running: RunningWorkers;
  connections: Redis[];
  events: QueueEvents[];
  prefix: string;
  drop: () => Promise<void>;
}

async function startHarness(opts: { simulatedDelayMs?: number; lockDuration?: number; stalledInterval?: number } = {}): Promise<Harness> {
  const testDb = await createTestDatabase();
  const database = await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused', migrations: 'apply' });
  const inference = await startInferenceThread(tinyModelSpec(opts.simulatedDelayMs ? { simulatedDelayMs: opts.simulatedDelayMs } : {}));
  const ctx = await createStepContext(database.db, inference, axes, { chunkTokens: 200 });
  const prefix = uniqueQueuePrefix();
  const producerRedis = producerConnection(TEST_REDIS_URL);
  const workerRedis = workerConnection(TEST_REDIS_URL);
  const eventsRedis = workerConnection(TEST_REDIS_URL);
  const producer = openProducer(producerRedis, prefix);
  const running = startWorkers(ctx, {
    connection: workerRedis,
    prefix,
    producer,
    logger,
    concurrency: 2,
    ...(opts.lockDuration && { lockDuration: opts.lockDuration }),
    ...(opts.stalledInterval && { stalledInterval: opts.stalledInterval }),
  });
  const events = ['documents', 'inference'].map((q) => new QueueEvents(q, { connection: eventsRedis, prefix }));
  await Promise.all(events.map((e) => e.waitUntilReady()));
  return { database, inference, ctx, producer, running, connections: [producerRedis, workerRedis, eventsRedis], events, prefix, drop: testDb.drop };
}

async function stopHarness(h: Harness | undefined): Promise<void> {
  if (!h) return;
  await h.running.close();
  await Promise.all(h.events.map((e) => e.close()));
  // Remove this test's keys so Redis is left as it was found.
  for (const q of Object.values(h.producer.queues)) await q.obliterate({ force: true });
  await h.producer.close();
  for (const c of h.connections) c.disconnect();
  await h.inference.close();
  await h.database.close();
  await h.drop();
}

async function waitForDocuments(db: Database, expected: number, timeoutMs = 90_000): Promise<{ id: number; status: string; error: string | null }[]> {
  const start = Date.now();
  for (;;) {
    const rows = await queryRows<{ id: number; status: string; error: string | null }>(db.db, sql`select id, status, error from documents order by id`);
    const finished = rows.filter((r) => r.status === 'done' || r.status === 'failed');
    if (finished.length >= expected) return rows;
    if (Date.now() - start > timeoutMs) throw new Error(`documents not finished in time: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function countRows(db: Database): Promise<{ chunks: number; embeddings: number; scores: number; dims: number[] }> {
  const [r] = await queryRows<{ chunks: number; embeddings: number; scores: number; dims: number[] }>(
    db.db,
    sql`select (select count(*)::int from chunks) as chunks, (select count(*)::int from embeddings) as embeddings,
               (select count(*)::int from stance_scores) as scores,
               (select array_agg(distinct dimension) from embeddings) as dims`,
  );
  return r!;
}

type ScoreRow = { doc: string; ordinal: number; axis: string; scorer: string; score: number; relevance: number; label: string };
async function scoreTable(db: Database): Promise<ScoreRow[]> {
  return queryRows<ScoreRow>(
    db.db,
    sql`select d.content_hash as doc, c.ordinal, a.slug as axis, sc.kind as scorer, ss.score, ss.relevance, ss.label
        from stance_scores ss join chunks c on c.id = ss.chunk_id join documents d on d.id = c.document_id
        join axes a on a.id = ss.axis_id join scorers sc on sc.id = ss.scorer_id
        order by d.content_hash, c.ordinal, a.slug, sc.kind`,
  );
}

describe.skipIf(!services)('queue pipeline on real Postgres and Redis', () => {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => stopHarness(h));

  // The seeds go through the queue once, whichever of the tests below runs first; they only read
  // what it stored (running the same jobs again must add nothing).
  let seeded: Promise<{ id: number; status: string; error: string | null }[]> | undefined;
  const seedsThroughQueue = () =>
    (seeded ??= (async () => {
      const { database, producer } = h!;
      const outcomes = await ingestDocuments(database.db, seedInputs(), { maxDocBytes: 5_000_000 });
      for (const o of outcomes) if (o.status === 'created') await producer.enqueue('process-document', { documentId: o.documentId }, `doc-${o.documentId}`);
      return waitForDocuments(database, 5);
    })());

  it('processes the 5 seed documents: all done, one embedding per chunk, one score per chunk, axis and scorer', async () => {
    const { database } = h!;
    const docs = await seedsThroughQueue();
    expect(docs.map((d) => d.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    const counts = await countRows(database);
    expect(counts.chunks).toBeGreaterThan(5);
    expect(counts.embeddings).toBe(counts.chunks);
    expect(counts.dims).toEqual([64]);
    // Five scorers in a run with models: nli (its own jobs); prototype, lexicon and the shipped
    // trained:default and ensemble:default (with the embedding).
    const kinds = await queryRows<{ kind: string }>(database.db, sql`select distinct sc.kind from stance_scores ss join scorers sc on sc.id = ss.scorer_id order by 1`);
    expect(kinds.map((k) => k.kind)).toEqual(['ensemble', 'lexicon', 'nli', 'prototype', 'trained']);
    expect(counts.scores).toBe(counts.chunks * axes.length * 5);
  });

  it('adds no rows when the same jobs run again', async () => {
    const { database, producer, events } = h!;
    await seedsThroughQueue();
    const before = await countRows(database);
    const chunkIds = (await queryRows<{ id: number; doc: number }>(database.db, sql`select id, document_id as doc from chunks order by id`));
    const firstDoc = chunkIds[0]!.doc;
    const ids = chunkIds.filter((c) => c.doc === firstDoc).map((c) => c.id);
    const done = (q: number) => new Promise<void>((resolve) => {
      let n = 0;
      events[q]!.on('completed', () => ++n === (q === 0 ? 1 : 2) && resolve());
    });
    const docsDone = done(0);
    const inferenceDone = done(1);
    await producer.enqueue('embed-chunks', { documentId: firstDoc, chunkIds: ids }, `again-embed-${firstDoc}`);
    await producer.enqueue('score-chunks', { documentId: firstDoc, chunkIds: ids, scorer: 'nli' }, `again-nli-${firstDoc}`);
    await producer.queues.documents.add('finish-document', { documentId: firstDoc }, { jobId: `again-finish-${firstDoc}` });
    await Promise.all([docsDone, inferenceDone]);
    expect(await countRows(database)).toEqual(before);
  });

  it('gives the same chunks and scores inline on PGlite as through the queue on Postgres', async () => {
    await seedsThroughQueue();
    const embedded = await openTempPglite();
    const inference = await loadLocalInference(tinyModelSpec());
    try {
      await ingestDocuments(embedded.database.db, seedInputs(), { maxDocBytes: 5_000_000 });
      const ctx = await createStepContext(embedded.database.db, inference, axes, { chunkTokens: 200 });
      const ids = (await queryRows<{ id: number }>(embedded.database.db, sql`select id from documents order by id`)).map((r) => r.id);
      const results = await processInline(ctx, ids);
      expect(results.every((r) => r.status === 'done')).toBe(true);
      const inline = await scoreTable(embedded.database);
      const queued = await scoreTable(h!.database);
      expect(inline.length).toBe(queued.length);
      expect((await countRows(embedded.database)).chunks).toBe((await countRows(h!.database)).chunks);
      inline.forEach((row, i) => {
        const other = queued[i]!;
        expect([row.doc, row.ordinal, row.axis, row.scorer, row.label]).toEqual([other.doc, other.ordinal, other.axis, other.scorer, other.label]);
        expect(row.score).toBeCloseTo(other.score, 5);
        expect(row.relevance).toBeCloseTo(other.relevance, 5);
      });
    } finally {
      await inference.close();
      await embedded.cleanup();
    }
  });

});

// Failures get a harness of their own: the documents they store must not meet the seeds' counts.
describe.skipIf(!services)('queue pipeline failures on real Postgres and Redis', () => {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => stopHarness(h));

  it('refuses a malformed payload on enqueue, and fails it at once (no retries) in the worker', async () => {
    const { producer, events } = h!;
    await expect(producer.enqueue('process-document', { documentId: -3 } as never, 'bad-1')).rejects.toThrow(PayloadError);
    await expect(producer.enqueue('process-document', { documentId: -3 } as never, 'bad-1')).rejects.toThrow(/malformed payload for job process-document: documentId/);
    const failed = new Promise<{ jobId: string; failedReason: string }>((resolve) => events[0]!.once('failed', resolve));
    await producer.queues.documents.add('process-document', { docId: 'seven' }, { jobId: 'bad-2', attempts: 4 });
    const f = await failed;
    expect(f.failedReason).toMatch(/malformed payload for job process-document/);
    const job = (await producer.queues.documents.getJob('bad-2')) as Job;
    expect(job.attemptsMade).toBe(1);
  });

  it('marks a document failed with the reason when its data is bad, without retries', async () => {
    const { producer, events, database } = h!;
    const failed = new Promise<{ failedReason: string }>((resolve) => events[0]!.once('failed', resolve));
    await producer.enqueue('process-document', { documentId: 999_999 }, 'doc-missing');
    expect((await failed).failedReason).toMatch(/document 999999 does not exist/);

    // A stored document with no text (written around ingest, which would refuse it) cannot be chunked.
    const [src] = await database.db.insert(sources).values({ name: 'Broken' }).returning({ id: sources.id });
    const [doc] = await database.db
      .insert(documents)
      .values({ sourceId: src!.id, contentHash: 'empty-doc', format: 'text', text: '', byteLength: 0 })
      .returning({ id: documents.id });
    const failedAgain = new Promise<void>((resolve) => events[0]!.once('failed', () => resolve()));
    // The job id the product gives the document's first run: only a failure of the document's own run marks it failed.
    const jobId = documentJobId({ incarnation: await databaseIncarnation(database.db), documentId: doc!.id, attempt: 0 });
    await producer.enqueue('process-document', { documentId: doc!.id }, jobId);
    await failedAgain;
    let row: { status: string; error: string | null } | undefined;
    for (let i = 0; i < 50 && row?.status !== 'failed'; i++) {
      [row] = await database.db.select({ status: documents.status, error: documents.error }).from(documents).where(eq(documents.id, doc!.id));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(row?.status).toBe('failed');
    expect(row?.error).toMatch(/^process-document: document \d+ has no text to chunk/);
    const job = await producer.queues.documents.getJob(jobId);
    expect(job?.attemptsMade).toBe(1);
  });

  it('keeps running after jobs added by hand with a null payload, an unknown name or another shape, and leaves their documents as they were', async () => {
    const { producer, events, database } = h!;
    const [src] = await database.db.insert(sources).values({ name: 'Hand-made jobs' }).returning({ id: sources.id });
    const insert = (hash: string, text: string, status: 'done' | 'queued') =>
      database.db.insert(documents).values({ sourceId: src!.id, contentHash: hash, format: 'text', text, byteLength: text.length, status }).returning({ id: documents.id });
    const [done] = await insert('hand-done', 'A finished document.', 'done');
    const incarnation = await databaseIncarnation(database.db);
    const failures: string[] = [];
    const onFailed = ({ jobId }: { jobId: string }) => void failures.push(jobId);
    events[0]!.on('failed', onFailed);
    const documentsQueue = producer.queues.documents;
    const handMade = [
      await documentsQueue.add('process-document', null),
      await documentsQueue.add('hasOwnProperty', { documentId: done!.id }),
      await documentsQueue.add('process-document', { documentId: done!.id, extra: 1 }),
    ];
    // Then a document's own run that fails: once it is recorded, the worker has handled every failure before it.
    const [broken] = await insert('hand-broken', '', 'queued');
    await producer.enqueue('process-document', { documentId: broken!.id }, documentJobId({ incarnation, documentId: broken!.id, attempt: 0 }));
    let status: string | undefined;
    for (let i = 0; i < 100 && status !== 'failed'; i++) {
      [{ status } = { status: undefined }] = await database.db.select({ status: documents.status }).from(documents).where(eq(documents.id, broken!.id));
      await new Promise((r) => setTimeout(r, 100));
    }
    events[0]!.off('failed', onFailed);
    expect(status).toBe('failed');
    expect(failures).toEqual(expect.arrayContaining(handMade.map((j) => j.id as string)));
    const [after] = await database.db.select({ status: documents.status, error: documents.error }).from(documents).where(eq(documents.id, done!.id));
    expect(after).toEqual({ status: 'done', error: null });
  });
});

describe.skipIf(!services)('inference longer than the lock duration', () => {
  let h: Harness | undefined;
  // Every inference call blocks its thread 2.5 s; BullMQ locks last 1 s and are checked every 1 s.
  beforeAll(async () => {
    h = await startHarness({ simulatedDelayMs: 2_500, lockDuration: 1_000, stalledInterval: 1_000 });
  });
  afterAll(async () => stopHarness(h));

  it('never reports a job stalled and never runs one twice', async () => {
    const { database, producer, running } = h!;
    const stalled: string[] = [];
    const starts = new Map<string, number>();
    for (const w of Object.values(running.workers)) {
      w.on('stalled', (id) => stalled.push(id));
      w.on('active', (job) => starts.set(job.id!, (starts.get(job.id!) ?? 0) + 1));
    }
    const [o] = await ingestDocuments(database.db, [{ file: 'short.txt', content: 'States must protect human rights online. Security matters too.', meta: { source: 'Stall test' } }], { maxDocBytes: 1e6 });
    if (o?.status !== 'created') throw new Error('ingest failed');
    await producer.enqueue('process-document', { documentId: o.documentId }, `doc-${o.documentId}`);
    const docs = await waitForDocuments(database, 1);
    expect(docs[0]?.status).toBe('done');
    expect(stalled).toEqual([]);
    expect(starts.size).toBeGreaterThanOrEqual(4);
    expect([...starts.values()].every((n) => n === 1)).toBe(true);
  });
});
