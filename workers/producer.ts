import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CHUNKS_PER_JOB, JOBS, parsePayload, QUEUE_NAMES, type JobName, type JobPayload, type QueueName } from './catalog.ts';

/** Queues and a flow producer over one connection, with typed, validated enqueue functions. */
export interface Producer {
  queues: Record<QueueName, Queue>;
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, jobId: string): Promise<void>;
  enqueueDocumentFlow(documentId: number, chunkIds: number[]): Promise<void>;
  close(): Promise<void>;
}

/** Opens the producer side of the queues under a key prefix. */
export function openProducer(connection: Redis, prefix: string): Producer {
  const queues = Object.fromEntries(QUEUE_NAMES.map((q) => [q, new Queue(q, { connection, prefix })])) as Record<QueueName, Queue>;
  const flows = new FlowProducer({ connection, prefix });
  const job = <N extends JobName>(name: N, data: unknown, jobId: string) => ({
    name,
    queueName: JOBS[name].queue,
    // Validate on enqueue too: a bad payload should fail where it is made, not in a worker later.
    data: parsePayload(name, data),
    opts: { ...JOBS[name].options, jobId },
  });
  return {
    queues,
    async enqueue(name, payload, jobId) {
      const j = job(name, payload, jobId);
      await queues[j.queueName].add(j.name, j.data, j.opts);
    },
    async enqueueDocumentFlow(documentId, chunkIds) {
      const children = [];
      for (let i = 0; i < chunkIds.length; i += CHUNKS_PER_JOB) {
        const batch = chunkIds.slice(i, i + CHUNKS_PER_JOB);
        const key = `${documentId}-${batch[0]}`;
        children.push(
          { ...job('embed-chunks', { documentId, chunkIds: batch }, `embed-${key}`), opts: { ...JOBS['embed-chunks'].options, jobId: `embed-${key}`, failParentOnFailure: true } },
          { ...job('score-chunks', { documentId, chunkIds: batch, scorer: 'nli' }, `nli-${key}`), opts: { ...JOBS['score-chunks'].options, jobId: `nli-${key}`, failParentOnFailure: true } },
        );
      }
      await flows.add({ ...job('finish-document', { documentId }, `finish-${documentId}`), children });
    },
    async close() {
      await flows.close();
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
