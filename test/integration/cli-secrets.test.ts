import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, postgresAvailable } from '../helpers/services.ts';

// Issue 8, item 5: the Redis password of REDIS_URL (and a Postgres password) must not appear in any
// CLI message or log line. Redis is on a closed port, so every command that touches it fails and
// says where it tried.

const REDIS_SECRET = 'SECRETpw';
const DB_SECRET = 'SECRETdb';
const REDIS_URL = `redis://:${REDIS_SECRET}@127.0.0.1:1`;

const services = await postgresAvailable();

function expectNoSecret(r: { stdout: string; stderr: string }): void {
  for (const secret of [REDIS_SECRET, DB_SECRET]) {
    expect(r.stdout, 'stdout').not.toContain(secret);
    expect(r.stderr, 'stderr').not.toContain(secret);
  }
}

describe('configuration errors', () => {
  it('a bad DATABASE_URL or REDIS_URL is named without its password', () => {
    const bad = runCli(['status'], { DATABASE_URL: `mysql://stance:${DB_SECRET}@db/x`, REDIS_URL: `:${REDIS_SECRET}@localhost:6379` });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('DATABASE_URL="mysql://stance:***@db/x"');
    expect(bad.stderr).toContain('REDIS_URL="***@localhost:6379"');
    expectNoSecret(bad);
  }, 120_000);
});

describe.skipIf(!services)('commands that reach Redis or Postgres', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string>;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    // The local server trusts its clients, so a password in the URL is accepted and ignored.
    const url = new URL(testDb.url);
    url.password = DB_SECRET;
    env = { DATABASE_URL: url.toString(), REDIS_URL, LOG_LEVEL: 'info' };
    const migrated = runCli(['db', 'migrate'], { DATABASE_URL: url.toString() });
    expect(migrated.code, migrated.stderr).toBe(0);
    expectNoSecret(migrated);
    dir = mkdtempSync(join(tmpdir(), 'stance-secrets-'));
    file = join(dir, 'doc.txt');
    writeFileSync(file, 'All stakeholders should take part in Internet governance.\n');
  }, 120_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await testDb.drop();
  });

  it('ingest: the document is stored, queueing fails, and the message hides the password', () => {
    const r = runCli(['ingest', file, '--source', 'ISOC'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('created');
    expect(r.stderr).toContain('redis://:***@127.0.0.1:1');
    expectNoSecret(r);
  }, 120_000);

  it('process, serve, worker and status fail on Redis (or show it unavailable) without showing the password', () => {
    for (const args of [['process'], ['serve', '--port', '0'], ['worker'], ['status', '--json']]) {
      const r = runCli(args, env);
      if (args[0] === 'status') {
        // status shows the database part and says the queues are unavailable.
        expect(r.code, r.stderr).toBe(0);
        expect((JSON.parse(r.stdout) as { queues_error: string }).queues_error).toContain('127.0.0.1:1');
      } else {
        expect(r.code, args.join(' ')).not.toBe(0);
        expect(r.stderr, args.join(' ')).toContain('127.0.0.1:1');
      }
      expectNoSecret(r);
    }
  }, 400_000);

  it('a Postgres server that is not there is named without the password', () => {
    const r = runCli(['status'], { DATABASE_URL: `postgres://postgres:${DB_SECRET}@127.0.0.1:1/stance` });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('127.0.0.1:1');
    expectNoSecret(r);
  }, 120_000);
});
