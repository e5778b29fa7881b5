import { randomBytes } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadDataError } from '../../app/steps.ts';
import { sources } from '../../db/schema/index.ts';
import { failureMessage } from '../../pipeline/failure-message.ts';
import { ModelLoadError } from '../../pipeline/models.ts';
import { PayloadError } from '../../workers/catalog.ts';
import { openTempPglite } from '../helpers/db.ts';

// Errors as the libraries really make them: drizzle on the embedded store, postgres.js to a closed port.
describe('failureMessage', () => {
  let store: Awaited<ReturnType<typeof openTempPglite>>;
  beforeAll(async () => {
    store = await openTempPglite();
  });
  afterAll(async () => store.cleanup());

  async function caught(fn: () => Promise<unknown>): Promise<unknown> {
    try {
      await fn();
    } catch (err) {
      return err;
    }
    throw new Error('expected a failure');
  }

  it('keeps the reason of an index row that is too large, without the SQL or its parameters', async () => {
    // Random hex does not compress, so the btree entry really exceeds its limit (about 2.7 kB).
    const longName = randomBytes(6000).toString('hex');
    const err = await caught(() => store.database.db.insert(sources).values({ name: longName }));
    expect(String((err as Error).message)).toContain('insert into "sources"'); // the raw shape carries SQL
    const msg = failureMessage(err);
    expect(msg).toMatch(/^a value is too large for the database: index row (requires|size) \d+ .*\(SQLSTATE 54000\)$/);
    expect(msg).not.toMatch(/insert|sources"|params/i);
    expect(msg).not.toContain(longName.slice(0, 40));
  });

  it('names the constraint problem of a unique violation, not the statement', async () => {
    await store.database.db.insert(sources).values({ name: 'Twice' });
    const err = await caught(() => store.database.db.insert(sources).values({ name: 'Twice' }));
    const msg = failureMessage(err);
    expect(msg).toMatch(/^the data breaks a database constraint: duplicate key value violates unique constraint ".*" \(SQLSTATE 23505\)$/);
    expect(msg).not.toMatch(/Failed query|insert into/i);
  });

  it('points at migrations for an unknown table', async () => {
    const err = await caught(() => store.database.db.execute(sql`select * from no_such_table`));
    expect(failureMessage(err)).toMatch(/schema does not match.*stance db migrate.*relation "no_such_table" does not exist \(SQLSTATE 42P01\)/);
  });

  it('says the database was unreachable, naming address and code, for a refused postgres.js connection', async () => {
    const client = postgres('postgres://alice:hunter2@127.0.0.1:1/db', { max: 1, connect_timeout: 2, onnotice: () => {} });
    const err = await caught(() => client`select 1`);
    await client.end({ timeout: 1 });
    const msg = failureMessage(err);
    expect(msg).toMatch(/^connection failed to 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect(msg).not.toContain('hunter2');
  });

  it('reads server errors of postgres.js (PostgresError) and calls shutdowns unavailability', () => {
    const shutdown = new postgres.PostgresError({
      message: 'terminating connection due to administrator command',
      severity: 'FATAL',
      code: '57P01',
      query: 'update documents set status = $1 where id = $2',
      parameters: ['failed', 7],
    } as never);
    expect(failureMessage(shutdown)).toBe('database unavailable (57P01: terminating connection due to administrator command); run the document again once it is back');
    expect(failureMessage(new Error('job failed', { cause: shutdown }))).not.toContain('update documents');
  });

  it('keeps the message of our own errors and of BullMQ UnrecoverableError, first line only', () => {
    expect(failureMessage(new BadDataError('document 3 has no text to chunk'))).toBe('document 3 has no text to chunk');
    expect(failureMessage(new PayloadError('malformed payload for job embed-chunks: chunkIds: too small'))).toBe('malformed payload for job embed-chunks: chunkIds: too small');
    expect(failureMessage(new ModelLoadError('cannot load model tiny-x from /models: file missing\n    at load (x.ts:1)'))).toBe('cannot load model tiny-x from /models: file missing');
    expect(failureMessage(new UnrecoverableError('document 9 does not exist'))).toBe('document 9 does not exist');
  });

  it('hides credentials and SQL text that arrive inside a plain message, and bounds the length', () => {
    expect(failureMessage(new Error('cannot reach redis://:s3cret@cache:6379'))).toBe('cannot reach redis://:***@cache:6379');
    expect(failureMessage(new Error('step: Failed query: select 1\nparams: a'))).toBe('step: a database query failed');
    expect(failureMessage(new Error('y'.repeat(5000))).length).toBeLessThanOrEqual(400);
    expect(failureMessage('oops')).toBe('oops');
    expect(failureMessage(undefined)).toBe('unknown error');
  });
});
