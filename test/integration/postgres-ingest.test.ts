import { afterAll, describe, expect, it } from 'vitest';
import { ingestDocuments } from '../../app/ingest.ts';
import { documentStatus } from '../../app/status.ts';
import { openDatabase, queryRows, type Database } from '../../db/client.ts';
import { sql } from 'drizzle-orm';
import { openTempPglite } from '../helpers/db.ts';
import { seedInputs } from '../helpers/seeds.ts';
import { createTestDatabase, postgresAvailable } from '../helpers/services.ts';

const hasPostgres = await postgresAvailable();

describe.skipIf(!hasPostgres)('ingest on real Postgres', () => {
  // Each test has a database of its own, so that it runs alone and in any order.
  const made: Awaited<ReturnType<typeof createTestDatabase>>[] = [];
  const open: Database[] = [];
  const freshDatabase = async () => {
    const testDb = await createTestDatabase();
    made.push(testDb);
    return testDb;
  };
  const migrated = async (): Promise<Database> => {
    const testDb = await freshDatabase();
    const db = await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused', migrations: 'ignore' });
    await db.migrate();
    await db.close();
    const database = await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused' });
    open.push(database);
    return database;
  };
  afterAll(async () => {
    for (const d of open) await d.close();
    for (const t of made) await t.drop();
  });

  it('refuses to work on an unmigrated database and says how to fix it', async () => {
    const testDb = await freshDatabase();
    await expect(openDatabase({ databaseUrl: testDb.url, dataDir: '/unused' })).rejects.toThrow(/migration\(s\) not applied\. Run `stance db migrate`/);
  });

  it('applies the committed migrations and creates every table', async () => {
    const testDb = await freshDatabase();
    const db = await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused', migrations: 'ignore' });
    await db.migrate();
    expect(await db.pendingMigrations()).toBe(0);
    await db.close();
    const database = await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused' });
    open.push(database);
    const tables = await queryRows<{ t: string }>(database.db, sql`select table_name as t from information_schema.tables where table_schema = 'public' order by 1`);
    expect(tables.map((r) => r.t)).toEqual(expect.arrayContaining(['axes', 'chunks', 'documents', 'embeddings', 'models', 'scorers', 'sources', 'stance_scores']));
  });

  it('stores the seed corpus with the same counts as the embedded database, and is idempotent', async () => {
    const database = await migrated();
    const pg = await ingestDocuments(database.db, seedInputs(), { maxDocBytes: 5_000_000 });
    const again = await ingestDocuments(database.db, seedInputs(), { maxDocBytes: 5_000_000 });
    expect(again.every((o) => o.status === 'duplicate')).toBe(true);

    const embedded = await openTempPglite();
    try {
      await ingestDocuments(embedded.database.db, seedInputs(), { maxDocBytes: 5_000_000 });
      expect(await documentStatus(database.db)).toEqual(await documentStatus(embedded.database.db));
      const hashes = async (d: Database) => (await queryRows<{ h: string }>(d.db, sql`select content_hash as h from documents order by id`)).map((r) => r.h);
      expect(await hashes(database)).toEqual(await hashes(embedded.database));
    } finally {
      await embedded.cleanup();
    }
    expect(pg.filter((o) => o.status === 'created')).toHaveLength(5);
  });
});
