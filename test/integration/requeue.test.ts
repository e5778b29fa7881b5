import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestDocuments } from '../../app/ingest.ts';
import { recordFailure } from '../../app/record-failure.ts';
import { enqueueDocuments, requeueStuck } from '../../app/requeue.ts';
import { openDatabase, type Database } from '../../db/client.ts';
import { databaseIncarnation } from '../../db/incarnation.ts';
import { documents } from '../../db/schema/index.ts';
import { QUEUE_NAMES } from '../../workers/catalog.ts';
import { producerConnection, workerConnection } from '../../workers/connection.ts';
import { documentJobId, runOfJobId } from '../../workers/job-ids.ts';
import { openProducer, type Producer } from '../../workers/producer.ts';
import { createTestDatabase, postgresAvailable, redisAvailable, TEST_REDIS_URL, uniqueQueuePrefix } from '../helpers/services.ts';

const services = (await postgresAvailable()) && (await redisAvailable());

// No processing workers here: jobs are finished or failed by hand, the way Redis is left after a
// crash, an outage whose failures were not recorded, or a finished run.
describe.skipIf(!services)('re-queueing against the jobs Redis still holds', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let database: Database;
  let producer: Producer;
  const prefix = uniqueQueuePrefix();
  const producerRedis = services ? producerConnection(TEST_REDIS_URL) : undefined;
  const workerRedis = services ? workerConnection(TEST_REDIS_URL) : undefined;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused', migrations: 'apply' });
    producer = openProducer(producerRedis!, prefix);
  });
  afterAll(async () => {
    for (const name of QUEUE_NAMES) {
      const q = new Queue(name, { connection: workerRedis!, prefix });
      await q.obliterate({ force: true });
      await q.close();
    }
    await producer.close();
    producerRedis!.disconnect();
    workerRedis!.disconnect();
    await database.close();
    await testDb.drop();
  });

  // Each test starts with an empty queue: endNextJob takes whatever job comes first.
  beforeEach(async () => {
    await producer.queues.documents.obliterate({ force: true });
  });

  async function newDocument(text: string): Promise<number> {
    const [o] = await ingestDocuments(database.db, [{ file: `${text}.txt`, content: `${text}: states and stakeholders discuss Internet governance.`, meta: { source: 'Requeue' } }], { maxDocBytes: 1e6 });
    if (o?.status !== 'created') throw new Error(JSON.stringify(o));
    return o.documentId;
  }

  // Takes the next job of the documents queue and ends it as `outcome` without touching the database.
  async function endNextJob(outcome: 'fail' | 'complete'): Promise<string> {
    return new Promise((resolve, reject) => {
      const w: Worker = new Worker(
        'documents',
        async (job) => {
          if (outcome === 'fail') throw new UnrecoverableError('database unreachable');
          return job.id;
        },
        { connection: workerConnection(TEST_REDIS_URL), prefix, autorun: true },
      );
      const finish = (id: string | undefined) => void w.close().then(() => resolve(id ?? ''), reject);
      w.on('failed', (job) => finish(job?.id));
      w.on('completed', (job) => finish(job.id));
    });
  }

  it('queues a document again under a new id when its job failed without the failure being recorded', async () => {
    const id = await newDocument('failed-unrecorded');
    const [first] = await enqueueDocuments(database.db, producer, [id]);
    expect(await endNextJob('fail')).toBe(first);
    // The document still says queued: the failure never reached the database.
    const outcomes = await requeueStuck(database.db, producer, { statuses: ['queued', 'processing'], ids: [id], staleAfterMs: 0 });
    expect(outcomes).toEqual([{ documentId: id, previousStatus: 'queued', action: 'queued', jobId: expect.any(String) }]);
    expect(outcomes[0]!.jobId).not.toBe(first);
    expect(await producer.queues.documents.getJobState(outcomes[0]!.jobId!)).toBe('waiting');
    const [row] = await database.db.select({ attempt: documents.queueAttempt, status: documents.status }).from(documents).where(eq(documents.id, id));
    expect(row).toEqual({ attempt: 1, status: 'queued' });
  });

  it('re-queues a failed document only when asked, and a finished job of the same document never blocks it', async () => {
    const id = await newDocument('failed-recorded');
    const [first] = await enqueueDocuments(database.db, producer, [id]);
    expect(await endNextJob('complete')).toBe(first);
    await recordFailure(database.db, id, runOfJobId(first), 'process-document: connection failed');
    expect(await requeueStuck(database.db, producer, { statuses: ['queued', 'processing'], ids: [id], staleAfterMs: 0 })).toEqual([]);
    const [o] = await requeueStuck(database.db, producer, { statuses: ['failed'], ids: [id], staleAfterMs: 0 });
    expect(o?.action).toBe('requeued_failed');
    expect(await producer.queues.documents.getJobState(o!.jobId!)).toBe('waiting');
    const [row] = await database.db.select({ status: documents.status, error: documents.error }).from(documents).where(eq(documents.id, id));
    expect(row).toEqual({ status: 'queued', error: null });
  });

  it('skips a document whose job is still waiting, and two processes re-queueing at once queue it once', async () => {
    const id = await newDocument('live-and-raced');
    await enqueueDocuments(database.db, producer, [id]);
    const live = await requeueStuck(database.db, producer, { statuses: ['queued'], ids: [id], staleAfterMs: 0 });
    expect(live.map((o) => o.action)).toEqual(['skipped_live']);
    await endNextJob('fail');
    const both = await Promise.all([1, 2].map(() => requeueStuck(database.db, producer, { statuses: ['queued'], ids: [id], staleAfterMs: 0 })));
    const actions = both.flat().map((o) => o.action).sort();
    // The loser either saw the winner's job already (live) or lost the compare-and-set (raced).
    expect(actions[0]).toBe('queued');
    expect(['skipped_live', 'skipped_raced']).toContain(actions[1]);
    const [row] = await database.db.select({ attempt: documents.queueAttempt }).from(documents).where(eq(documents.id, id));
    expect(row?.attempt).toBe(1);
  });

  it('leaves a document changed moments ago alone when a grace period is asked for', async () => {
    const id = await newDocument('recent');
    const outcomes = await requeueStuck(database.db, producer, { statuses: ['queued'], ids: [id], staleAfterMs: 60_000 });
    expect(outcomes.map((o) => o.action)).toEqual(['skipped_recent']);
  });

  it('does not record the failure of an earlier attempt or of another database over the current run', async () => {
    const id = await newDocument('outdated-failure');
    const incarnation = await databaseIncarnation(database.db);
    await database.db.update(documents).set({ queueAttempt: 2, status: 'processing' }).where(eq(documents.id, id));
    expect(await recordFailure(database.db, id, { incarnation, documentId: id, attempt: 1 }, 'old attempt')).toBe(false);
    expect(await recordFailure(database.db, id, { incarnation: `${incarnation}x`, documentId: id, attempt: 2 }, 'old database')).toBe(false);
    const [before] = await database.db.select({ status: documents.status }).from(documents).where(eq(documents.id, id));
    expect(before?.status).toBe('processing');
    expect(await recordFailure(database.db, id, runOfJobId(`${documentJobId({ incarnation, documentId: id, attempt: 2 })}-nli-7`), 'current')).toBe(true);
    const [after] = await database.db.select({ status: documents.status, error: documents.error }).from(documents).where(eq(documents.id, id));
    expect(after).toEqual({ status: 'failed', error: 'current' });
  });
});
