import { Queue } from 'bullmq';
import { QUEUE_NAMES, type QueueName } from './catalog.ts';
import { producerConnection, ready } from './connection.ts';

/** Job counts of one queue (snake_case, like every JSON answer) and the workers connected to it now. */
export interface QueueCount {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  waiting_children: number;
  /** Worker connections Redis lists for this queue at this moment (BullMQ names its worker clients). */
  workers: number;
}

export type QueueCounts = Record<QueueName, QueueCount>;

/** Job and worker counts per queue, for `stance status`. */
export async function queueCounts(url: string, prefix: string): Promise<QueueCounts> {
  const connection = producerConnection(url);
  try {
    await ready(connection, url);
    const out: Partial<QueueCounts> = {};
    for (const name of QUEUE_NAMES) {
      const queue = new Queue(name, { connection, prefix });
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'waiting-children');
      out[name] = {
        waiting: c.waiting ?? 0,
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
        waiting_children: c['waiting-children'] ?? 0,
        workers: await queue.getWorkersCount(),
      };
      await queue.close();
    }
    return out as QueueCounts;
  } finally {
    connection.disconnect();
  }
}

/**
 * The warning `stance status` gives when documents wait for the queue but no worker is connected
 * to any queue: nothing will process them until `stance worker` runs. Null when all is well.
 */
export function idleQueueWarning(waitingDocuments: number, queues: QueueCounts): string | null {
  if (waitingDocuments === 0) return null;
  const workers = Object.values(queues).reduce((n, q) => n + q.workers, 0);
  if (workers > 0) return null;
  return `${waitingDocuments} document(s) wait (queued or processing) and no worker is connected to the queues: start one with \`stance worker\``;
}
