import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../workers/catalog.ts';
import { producerConnection } from '../../workers/connection.ts';
import { childJobId, documentJobId, finishJobId } from '../../workers/job-ids.ts';
import { openProducer, type Producer } from '../../workers/producer.ts';
import { removeDocumentJobs } from '../../workers/remove-jobs.ts';
import { redisAvailable, TEST_REDIS_URL, uniqueQueuePrefix } from '../helpers/services.ts';

const hasRedis = await redisAvailable();

// No worker runs: the jobs wait, as they do for a document deleted before a worker took it.
describe.skipIf(!hasRedis)('removing a deleted document\'s jobs', () => {
  const prefix = uniqueQueuePrefix();
  const redis = hasRedis ? producerConnection(TEST_REDIS_URL) : undefined;
  let producer: Producer;
  const incarnation = 'abc123';
  const run = (documentId: number, attempt: number) => documentJobId({ incarnation, documentId, attempt });

  beforeAll(() => {
    producer = openProducer(redis!, prefix);
  });
  afterAll(async () => {
    for (const name of QUEUE_NAMES) await producer.queues[name].obliterate({ force: true });
    await producer.close();
    redis!.disconnect();
  });

  it('removes the process-document jobs of every attempt and the finish job with its children, and leaves other documents\' jobs', async () => {
    await producer.enqueue('process-document', { documentId: 7 }, run(7, 0));
    await producer.enqueue('process-document', { documentId: 7 }, run(7, 1));
    await producer.enqueueDocumentFlow(run(7, 1), 7, [11, 12]);
    await producer.enqueue('process-document', { documentId: 8 }, run(8, 0));
    const children = [childJobId(run(7, 1), 'embed', 11), childJobId(run(7, 1), 'nli', 11)];
    for (const id of children) expect(await producer.queues.inference.getJob(id), id).toBeDefined();

    const [out] = await removeDocumentJobs(producer.queues, incarnation, [{ id: 7, queue_attempt: 1 }]);
    expect(out).toEqual({ document_id: 7, removed: [run(7, 0), finishJobId(run(7, 1)), run(7, 1)], active: [] });
    for (const id of [run(7, 0), run(7, 1), finishJobId(run(7, 1))]) expect(await producer.queues.documents.getJob(id), id).toBeUndefined();
    for (const id of children) expect(await producer.queues.inference.getJob(id), id).toBeUndefined();
    expect(await producer.queues.documents.getJob(run(8, 0))).toBeDefined();
    // Nothing left to remove: nothing removed, no error.
    expect(await removeDocumentJobs(producer.queues, incarnation, [{ id: 7, queue_attempt: 1 }])).toEqual([{ document_id: 7, removed: [], active: [] }]);
  });
});
