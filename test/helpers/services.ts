import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { Redis } from 'ioredis';

// Tests read the service URLs straight from the environment: they are not the product, and CI
// sets nothing else. Defaults are the local servers these machines run.
const env = process.env;
const IN_CI = env.CI === 'true' || env.CI === '1';
export const TEST_POSTGRES_URL = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function reachable(probe: () => Promise<unknown>, what: string): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (err) {
    const reason = `${what} is not reachable: ${(err as Error).message}`;
    // CI must fail, never skip, when a required service is missing.
    if (IN_CI) throw new Error(`${reason}. CI needs it; .ci/run starts it.`, { cause: err });
    console.warn(`SKIPPING tests that need ${what}: ${reason}`);
    return false;
  }
}

/** True when Postgres answers; throws in CI when it does not. */
export async function postgresAvailable(): Promise<boolean> {
  return reachable(async () => {
    const sql = postgres(TEST_POSTGRES_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      await sql`select 1`;
    } finally {
      await sql.end({ timeout: 1 });
    }
  }, `Postgres at ${TEST_POSTGRES_URL}`);
}

/** True when Redis answers; throws in CI when it does not. */
export async function redisAvailable(): Promise<boolean> {
  return reachable(async () => {
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: () => null });
    try {
      await redis.connect();
      await redis.ping();
    } finally {
      redis.disconnect();
    }
  }, `Redis at ${TEST_REDIS_URL}`);
}

export interface TestDatabase {
  name: string;
  url: string;
  drop: () => Promise<void>;
}

/**
 * A fresh database of its own for one test file; drop() removes it. Empty, or a copy of
 * `template` (a database no one is connected to, such as the run's migrated one).
 */
export async function createTestDatabase(opts: { template?: string } = {}): Promise<TestDatabase> {
  const name = `stance_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}${opts.template ? ` template ${opts.template}` : ''}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const a = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** A queue prefix of its own for one test, so parallel tests never share BullMQ keys. */
export function uniqueQueuePrefix(): string {
  return `stance-test-${randomBytes(5).toString('hex')}`;
}

/** Removes every job and key of a test's queue prefix, so Redis is left as the test found it. */
export async function obliterateQueues(prefix: string): Promise<void> {
  const [{ Queue }, { QUEUE_NAMES }, { workerConnection }] = await Promise.all([import('bullmq'), import('../../workers/catalog.ts'), import('../../workers/connection.ts')]);
  const connection = workerConnection(TEST_REDIS_URL);
  try {
    for (const name of QUEUE_NAMES) {
      const q = new Queue(name, { connection, prefix });
      await q.obliterate({ force: true });
      await q.close();
    }
  } finally {
    connection.disconnect();
  }
}
