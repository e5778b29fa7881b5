import { Redis } from 'ioredis';
import { redactUrl } from '../pipeline/redact.ts';

/** A connection for Workers: BullMQ requires maxRetriesPerRequest null for blocking commands. */
export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** A connection for producers: fail fast instead of queueing commands while Redis is down. */
export function producerConnection(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5_000 });
  // Connection errors reach callers through ready() and failed commands; without a listener
  // ioredis would also print each one as an "Unhandled error event".
  redis.on('error', () => {});
  return redis;
}

/** Waits until a connection is ready, with a message naming the URL when Redis is not there. */
export async function ready(redis: Redis, url: string): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis at ${redactUrl(url)} did not answer within 5 s; start it or unset REDIS_URL to process inline`)), 5_000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
    redis.once('error', (err: Error) => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to Redis at ${redactUrl(url)}: ${err.message}; start it or unset REDIS_URL to process inline`, { cause: err }));
    });
  });
}
