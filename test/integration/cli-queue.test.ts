import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { TINY_MODEL_ENV } from '../helpers/models.ts';
import { repoPath } from '../helpers/paths.ts';
import { createTestDatabase, obliterateQueues, postgresAvailable, redisAvailable, TEST_REDIS_URL, uniqueQueuePrefix } from '../helpers/services.ts';

const services = (await postgresAvailable()) && (await redisAvailable());

interface Status {
  sources: { source: string; total: number; by_status: Record<string, number> }[];
  in_progress: { id: number; status: string }[];
  queues: Record<string, Record<string, number>> | null;
}

describe.skipIf(!services)('stance with DATABASE_URL and REDIS_URL: queue, worker, status', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string>;
  const prefix = uniqueQueuePrefix();

  beforeAll(async () => {
    testDb = await createTestDatabase();
    env = { ...TINY_MODEL_ENV, DATABASE_URL: testDb.url, REDIS_URL: TEST_REDIS_URL, STANCE_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    expect(runCli(['db', 'migrate'], env).code).toBe(0);
  });
  afterAll(async () => {
    await obliterateQueues(prefix);
    await testDb.drop();
  });

  it('queues on ingest and returns, shows queue counts, and a worker processes everything then stops on SIGTERM', { timeout: 200_000 }, async () => {
    const ingest = runCli(['ingest', '--manifest', 'seeds/manifest.json'], env);
    expect(ingest.code).toBe(0);
    expect(ingest.stderr).toContain('queued 5 document(s) for the workers');
    const before = JSON.parse(runCli(['status', '--json'], env).stdout) as Status;
    expect(before.queues?.documents?.waiting).toBe(5);
    expect(before.in_progress.map((d) => d.status)).toEqual(['queued', 'queued', 'queued', 'queued', 'queued']);

    const worker = spawn(process.execPath, [repoPath('bin/stance.js'), 'worker', '--concurrency', '2'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    worker.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
    try {
      let status = before;
      const started = Date.now();
      while (status.sources.some((s) => (s.by_status.done ?? 0) < s.total)) {
        if (Date.now() - started > 150_000) throw new Error(`not done in time: ${JSON.stringify(status)}\n${log}`);
        await new Promise((r) => setTimeout(r, 1000));
        status = JSON.parse(runCli(['status', '--json'], env).stdout) as Status;
      }
      expect(status.in_progress).toEqual([]);
      expect(status.queues?.documents?.failed).toBe(0);
      expect(status.queues?.inference?.failed).toBe(0);
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(log).toContain('shutting down');
    expect(log).toContain('workers stopped');

    const compare = JSON.parse(runCli(['compare', '--axis', 'security_rights', '--json'], env).stdout) as { groups: { key: string }[] };
    expect(compare.groups.map((g) => g.key)).toEqual(['Cuba forum', 'ICT4Peace Foundation', 'ITU']);
  });

  it('refuses queue mode without a Postgres server', () => {
    const r = runCli(['ingest', 'seeds/000_8ffdb135bb5886fa.txt', '--source', 'ITU'], { ...env, DATABASE_URL: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/REDIS_URL is set but DATABASE_URL is not/);
  });
});
