import { Queue } from 'bullmq';
import { QUEUE_NAMES, type QueueName } from './catalog.ts';
import { producerConnection, ready } from './connection.ts';

export type QueueCounts = Record<QueueName, Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'waiting-children', number>>;

/** Job counts per queue, for `stance status`. */
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
        'waiting-children': c['waiting-children'] ?? 0,
      };
      await queue.close();
    }
    return out as QueueCounts;
  } finally {
    connection.disconnect();
  }
}
