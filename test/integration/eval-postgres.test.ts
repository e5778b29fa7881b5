import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/in-process-cli.ts';
import { TINY_MODEL_ENV } from '../helpers/models.ts';
import { writeGoldSubset } from '../helpers/gold-subset.ts';
import { createTestDatabase, postgresAvailable } from '../helpers/services.ts';

const hasPostgres = await postgresAvailable();

describe.skipIf(!hasPostgres)('stance eval on real Postgres', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  const dir = mkdtempSync(join(tmpdir(), 'stance-eval-pg-'));
  let env: Record<string, string>;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    env = { DATABASE_URL: testDb.url, STANCE_DATA_DIR: dir, STANCE_THRESHOLD_PROFILE: '', STANCE_AXES_FILE: '', ...TINY_MODEL_ENV };
  });
  afterAll(async () => {
    await testDb.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates, calibrates on dev, evaluates with the profile and lists the run in history', async () => {
    expect((await runCliInProcess(['db', 'migrate'], env)).code).toBe(0);
    // A small set of whole documents: 3 documents of dev, 2 of test.
    const file = join(dir, 'small.jsonl');
    writeGoldSubset(file, 3, 2);

    const cal = await runCliInProcess(['eval', 'calibrate', '--set', file, '--name', 'pg', '--json'], env);
    expect(cal.stderr).not.toContain('unexpected error');
    expect(cal.code).toBe(0);
    const run = await runCliInProcess(['eval', '--set', file, '--split', 'test', '--profile', 'pg', '--json'], env);
    expect(run.code).toBe(0);
    const out = (JSON.parse(run.stdout) as { scorers: Record<string, { profile: string; run_id: number; axes: Record<string, { n: number }> }> }).scorers.nli!;
    expect(out.profile).toBe('pg');
    const history = JSON.parse((await runCliInProcess(['eval', 'history', '--json'], env)).stdout) as { runs: { id: number; profile: string; settings: unknown }[] };
    expect(history.runs.map((r) => [r.id, r.profile])).toEqual([[out.run_id, 'pg']]);
  });
});
