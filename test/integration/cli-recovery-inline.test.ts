import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/in-process-cli.ts';
import { TINY_MODEL_ENV } from '../helpers/models.ts';
import { createTestDatabase, postgresAvailable } from '../helpers/services.ts';

const services = await postgresAvailable();

// Without REDIS_URL, process/retry/status work in-process (here on a Postgres of its own).
describe.skipIf(!services)('recovery commands without a queue', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string>;
  let sql: postgres.Sql;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    sql = postgres(testDb.url, { max: 1, onnotice: () => {} });
    env = { ...TINY_MODEL_ENV, DATABASE_URL: testDb.url, STANCE_STALE_AFTER_MS: '1000' };
    expect((await runCliInProcess(['db', 'migrate'], env)).code).toBe(0);
    const r = await runCliInProcess(['ingest', 'seeds/003_d2e270115e0d36c1.txt', 'seeds/004_45e2fcef61b369ec.txt', '--source', 'Inline', '--no-process'], env);
    expect(r.code).toBe(0);
  });
  afterAll(async () => {
    await sql.end();
    await testDb.drop();
  });

  it('process finishes queued and interrupted documents, retry brings back a failed one and names unknown and done ids', { timeout: 300_000 }, async () => {
    const ids = (await sql<{ id: number }[]>`select id from documents order by id`).map((r) => r.id);
    expect(ids).toHaveLength(2);
    const [a, b] = ids as [number, number];
    // b was being processed by an inline run that died a while ago.
    await sql`update documents set status = 'processing', updated_at = now() - interval '1 hour' where id = ${b}`;
    const status = JSON.parse((await runCliInProcess(['status', '--json'], env)).stdout) as { stuck: { id: number; reason: string }[]; stuck_fix: string };
    expect(status.stuck).toEqual([{ id: b, status: 'processing', reason: 'processing was interrupted' }]);
    expect(status.stuck_fix).toMatch(/stance process/);

    const processed = await runCliInProcess(['process', '--json'], env);
    expect(processed.code).toBe(0);
    expect((JSON.parse(processed.stdout) as { results: { document_id: number; status: string }[] }).results.map((r) => [r.document_id, r.status])).toEqual([[a, 'done'], [b, 'done']]);

    await sql`update documents set status = 'failed', error = 'process-document: connection failed' where id = ${a}`;
    const nothing = await runCliInProcess(['process'], env);
    expect(nothing.stderr).toContain('no queued or stuck documents');
    const retried = await runCliInProcess(['retry', String(a), String(b), '999999', '--json'], env);
    expect(retried.code).toBe(1);
    const answer = JSON.parse(retried.stdout) as { mode: string; results: { document_id: number; status: string }[]; not_found: number[]; already_done: number[] };
    expect(answer).toMatchObject({ mode: 'inline', not_found: [999999], already_done: [b] });
    expect(answer.results.map((r) => [r.document_id, r.status])).toEqual([[a, 'done']]);
    const [row] = await sql<{ status: string; error: string | null }[]>`select status, error from documents where id = ${a}`;
    expect(row).toEqual({ status: 'done', error: null });

    const text = await runCliInProcess(['retry', String(b), 'abc'], env);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/"abc" is not a document id/);
  });
});
