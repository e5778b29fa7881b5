import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { connectFailure } from '../../db/connect-errors.ts';
import { DatabaseError, openDatabase } from '../../db/client.ts';
import { runCliInProcess } from '../helpers/in-process-cli.ts';
import { postgresAvailable, TEST_POSTGRES_URL } from '../helpers/services.ts';

// A Postgres that cannot be reached or refuses the connection is told by its cause (refused,
// unknown host, wrong password, unknown database or user) with what to do: never drizzle's
// "Failed query: <SQL> params:", which hid the cause and showed SQL text.

const services = await postgresAvailable();
const REFUSED = 'postgres://u:pw@127.0.0.1:1/db';
const dataDir = '/nonexistent-unused'; // a Postgres URL is given: the embedded store is not opened

/** The message openDatabase fails with (it must fail with a DatabaseError). */
async function openFailure(databaseUrl: string): Promise<string> {
  const err = await openDatabase({ databaseUrl, dataDir, migrations: 'ignore' }).then(
    async (db) => {
      await db.close();
      throw new Error(`opened ${databaseUrl}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatabaseError);
  return (err as Error).message;
}

describe('a Postgres that cannot be connected to', () => {
  it('says the connection was refused, and what to check, in every command', async () => {
    expect(await openFailure(REFUSED)).toBe('cannot connect to Postgres at postgres://u:***@127.0.0.1:1/db: connection refused (is the server running? check DATABASE_URL)');
    // status checks pending migrations first, db migrate does not: both say the same.
    for (const args of [['status'], ['db', 'migrate']]) {
      const r = await runCliInProcess(args, { DATABASE_URL: REFUSED });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe('stance: cannot connect to Postgres at postgres://u:***@127.0.0.1:1/db: connection refused (is the server running? check DATABASE_URL)\n');
    }
  });

  it('names an unknown host', async () => {
    expect(await openFailure('postgres://stance@no-such-host.invalid:5432/x')).toBe('cannot connect to Postgres at postgres://stance@no-such-host.invalid:5432/x: unknown host no-such-host.invalid (check DATABASE_URL)');
  });

  it.skipIf(!services)('passes on what the server refused: an unknown database or user', async () => {
    const unknownDb = new URL(TEST_POSTGRES_URL);
    unknownDb.pathname = '/stance_no_such_database';
    expect(await openFailure(unknownDb.href)).toMatch(/: database "stance_no_such_database" does not exist \(create it with createdb, or fix the database name in DATABASE_URL\)$/);
    const unknownUser = new URL(TEST_POSTGRES_URL);
    unknownUser.username = 'stance_no_such_user';
    expect(await openFailure(unknownUser.href)).toMatch(/: role "stance_no_such_user" does not exist \(check the user in DATABASE_URL and the server's pg_hba.conf\)$/);
  });

  it("finds the driver's error under drizzle's wrapper, and leaves errors of other kinds alone", () => {
    // What drizzle throws when the first query fails on a wrong password (the local test server trusts every client).
    const driver = Object.assign(new Error('password authentication failed for user "u"'), { code: '28P01', severity: 'FATAL' });
    const wrapped = new DrizzleQueryError("select to_regclass('drizzle.__drizzle_migrations') is not null as present", [], driver);
    expect(wrapped.message).toContain('Failed query');
    expect(connectFailure(wrapped)).toBe('password authentication failed for user "u" (check the user and password in DATABASE_URL)');
    const constraint = new DrizzleQueryError('insert into t values ($1)', [1], Object.assign(new Error('duplicate key'), { code: '23505', severity: 'ERROR' }));
    expect(connectFailure(constraint)).toBeUndefined();
    expect(connectFailure(new TypeError('a bug'))).toBeUndefined();
  });
});
