import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { freshDataDir } from '../helpers/db.ts';
import { restoreEnv } from '../helpers/env.ts';
import { runInProcess } from '../helpers/in-process-cli.ts';
import { createTestDatabase, postgresAvailable, redisAvailable, TEST_REDIS_URL, uniqueQueuePrefix } from '../helpers/services.ts';

const saved = { ...process.env };
afterAll(() => {
  restoreEnv(saved);
});

const TEXT_A = 'States should decide the rules of the Internet within their borders, said the delegate of a state.';
const TEXT_B = 'All stakeholders, civil society included, should shape the rules of the Internet together.';

describe('ingest and process on the embedded store', { timeout: 180_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'stance-small-'));
  const manifest = join(work, 'docs', 'manifest.jsonl');

  beforeAll(() => {
    const docs = join(work, 'docs');
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, 'a.txt'), TEXT_A);
    writeFileSync(join(docs, 'b.txt'), TEXT_B);
    writeFileSync(manifest, ['{"file": "a.txt", "title": "A"}', '{"file": "b.txt", "source": "Own source", "title": "B"}'].join('\n'));
    Object.assign(process.env, {
      DATABASE_URL: '',
      REDIS_URL: '',
      STANCE_DATA_DIR: join(work, 'store'),
      // An empty folder: no model can load, nothing is fetched; the model-free scorers run.
      STANCE_MODELS_DIR: mkdtempSync(join(work, 'no-models-')),
      STANCE_AXES_FILE: '',
      STANCE_LEXICON_FILE: '',
      STANCE_SCORER: '',
    });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  // Each test has a store of its own (so it runs alone and in any order), with what it needs in it:
  // a copy of the run's empty, migrated template.
  const stores: string[] = [];
  afterAll(() => stores.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const ownStore = async () => {
    const dir = await freshDataDir();
    stores.push(dir);
    process.env.STANCE_DATA_DIR = dir;
  };
  const ingest = async (opts: { process: boolean }) => {
    const r = await runInProcess(['ingest', '--manifest', manifest, '--source', 'Default source', ...(opts.process ? [] : ['--no-process'])]);
    expect(r.code, r.stderr).toBe(0);
  };

  it('--source with --manifest is the source of the entries that name none', async () => {
    await ownStore();
    const r = await runInProcess(['ingest', '--manifest', manifest, '--source', 'Default source', '--no-process', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { results: { file: string; status: string; source: string }[] };
    expect(out.results.map((x) => [x.status, x.source])).toEqual([
      ['created', 'Default source'],
      ['created', 'Own source'],
    ]);
  });

  it('process loads the models when documents wait, and not when nothing does', async () => {
    await ownStore();
    await ingest({ process: false });
    const first = await runInProcess(['process', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('loading models');
    expect((JSON.parse(first.stdout) as { results: unknown[] }).results).toHaveLength(2);
    const again = await runInProcess(['process']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('loading models');
    expect(again.stderr).toContain('no queued or stuck documents');
  });

  it('an ingest of duplicates only loads no model', async () => {
    await ownStore();
    await ingest({ process: true }); // nothing left waiting: the second ingest has nothing to process
    const r = await runInProcess(['ingest', '--manifest', manifest, '--source', 'Default source']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('0 created, 2 duplicates, 0 failed');
    expect(r.stderr).not.toContain('loading models');
  });
});

describe('status with the queue (Postgres and Redis)', { timeout: 120_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'stance-status-'));
  let skip = false;
  let drop: (() => Promise<void>) | undefined;
  const prefix = uniqueQueuePrefix();

  beforeAll(async () => {
    if (!(await postgresAvailable()) || !(await redisAvailable())) {
      skip = true;
      return;
    }
    const created = await createTestDatabase();
    drop = created.drop;
    await (await openDatabase({ databaseUrl: created.url, dataDir: work, migrations: 'apply' })).close();
    writeFileSync(join(work, 'a.txt'), TEXT_A);
    Object.assign(process.env, { DATABASE_URL: created.url, REDIS_URL: TEST_REDIS_URL, STANCE_QUEUE_PREFIX: prefix, STANCE_DATA_DIR: join(work, 'store') });
  });
  afterAll(async () => {
    await drop?.();
    rmSync(work, { recursive: true, force: true });
  });

  it('warns when documents wait and no worker is connected, and not once one is', async (ctx) => {
    if (skip) ctx.skip();
    const ingest = await runInProcess(['ingest', join(work, 'a.txt'), '--source', 'Waiting', '--no-process']);
    expect(ingest.code, ingest.stderr).toBe(0);
    type Status = { workers_warning: string | null; queues: Record<string, { workers: number; waiting_children: number }> };
    const before = JSON.parse((await runInProcess(['status', '--json'])).stdout) as Status;
    expect(before.workers_warning).toContain('1 document(s) wait');
    expect(Object.values(before.queues).map((q) => q.workers)).toEqual([0, 0]);
    const text = await runInProcess(['status']);
    expect(text.stdout).toContain('Warning: 1 document(s) wait (queued or processing) and no worker is connected to the queues: start one with `stance worker`.');

    // A BullMQ worker on one of the queues (with nothing to do: the document was not queued).
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker('inference', async () => {}, { connection, prefix });
    try {
      await worker.waitUntilReady();
      let after = JSON.parse((await runInProcess(['status', '--json'])).stdout) as Status;
      // The worker names its connection when it starts fetching; give it a moment.
      for (let i = 0; i < 50 && after.queues.inference?.workers === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = JSON.parse((await runInProcess(['status', '--json'])).stdout) as Status;
      }
      expect(after.queues.inference?.workers).toBeGreaterThanOrEqual(1);
      expect(after.workers_warning).toBeNull();
    } finally {
      await worker.close();
      connection.disconnect();
    }
  });
});
