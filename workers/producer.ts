import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CHUNKS_PER_JOB, JOBS, parsePayload, QUEUE_NAMES, retryOptions, type JobName, type JobPayload, type QueueName, type RetrySettings } from './catalog.ts';
import { childJobId, finishJobId } from './job-ids.ts';

/** Queues and a flow producer over one connection, with typed, validated enqueue functions. */
export interface Producer {
  queues: Record<QueueName, Queue>;
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, jobId: string): Promise<void>;
  /** Fans a chunked document out to embed and score jobs under one finish job, named after the run. */
  enqueueDocumentFlow(documentJobId: string, documentId: number, chunkIds: number[]): Promise<void>;
  /** True when the job exists and can still run (waiting, delayed, active or waiting for children). */
  isLive(queue: QueueName, jobId: string): Promise<boolean>;
  close(): Promise<void>;
}

const LIVE_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

/** Opens the producer side of the queues under a key prefix; retry overrides the catalog's. */
export function openProducer(connection: Redis, prefix: string, retry?: RetrySettings): Producer {
  const queues = Object.fromEntries(QUEUE_NAMES.map((q) => [q, new Queue(q, { connection, prefix })])) as Record<QueueName, Queue>;
  const flows = new FlowProducer({ connection, prefix });
  const options = (name: JobName) => ({ ...JOBS[name].options, ...(retry && retryOptions(retry)) });
  const job = <N extends JobName>(name: N, data: unknown, jobId: string) => ({
    name,
    queueName: JOBS[name].queue,
    // Validate on enqueue too: a bad payload should fail where it is made, not in a worker later.
    data: parsePayload(name, data),
    opts: { ...options(name), jobId },
  });
  return {
    queues,
    async enqueue(name, payload, jobId) {
      const j = job(name, payload, jobId);
      await queues[j.queueName].add(j.name, j.data, j.opts);
    },
    async enqueueDocumentFlow(documentJobId, documentId, chunkIds) {
      const children = [];
      for (let i = 0; i < chunkIds.length; i += CHUNKS_PER_JOB) {
        const batch = chunkIds.slice(i, i + CHUNKS_PER_JOB);
        const first = batch[0] as number;
        const embed = job('embed-chunks', { documentId, chunkIds: batch }, childJobId(documentJobId, 'embed', first));
        const nli = job('score-chunks', { documentId, chunkIds: batch, scorer: 'nli' }, childJobId(documentJobId, 'nli', first));
        children.push({ ...embed, opts: { ...embed.opts, failParentOnFailure: true } }, { ...nli, opts: { ...nli.opts, failParentOnFailure: true } });
      }
      await flows.add({ ...job('finish-document', { documentId }, finishJobId(documentJobId)), children });
    },
    async isLive(queue, jobId) {
      const state = await queues[queue].getJobState(jobId);
      return LIVE_STATES.has(state);
    },
    async close() {
      await flows.close();
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
