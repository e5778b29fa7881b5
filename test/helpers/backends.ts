import { rmSync } from 'node:fs';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { freshDataDir, openTempPglite } from './db.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './services.ts';

/** A migrated, empty store of one kind; close() removes it. */
export interface TestStore {
  database: Database;
  close: () => Promise<void>;
}

/** The two stores every query must work on: embedded PGlite and a Postgres server (skipped, or failed in CI, when absent). */
export const STORE_KINDS = ['pglite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

const hasPostgres = await postgresAvailable();

/** Whether a kind of store can be opened here. */
export function storeAvailable(kind: StoreKind): boolean {
  return kind === 'pglite' || hasPostgres;
}

/** Opens an empty, migrated store of the kind: a temporary PGlite folder or a database of its own. */
export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'pglite') {
    const { database, cleanup } = await openTempPglite();
    return { database, close: cleanup };
  }
  return openPostgresCopy(await migratedPostgresDatabase());
}

/** A new database holding every migration: a copy of the run's migrated one (test/setup/pglite-template.ts), about half the time of migrating. */
async function migratedPostgresDatabase(): Promise<TestDatabase> {
  const template = inject('postgresTemplate');
  const testDb = await createTestDatabase(template ? { template } : {});
  if (!template) {
    const setup = await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused', migrations: 'ignore' });
    await setup.migrate();
    await setup.close();
  }
  return testDb;
}

/** Opens a test database, every migration required (so a stale copy fails here); close() drops it. */
async function openPostgresCopy(testDb: TestDatabase): Promise<TestStore> {
  const database = await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused' });
  return {
    database,
    close: async () => {
      await database.close();
      await testDb.drop();
    },
  };
}

/** A store filled once, and copies of it; see filledStore. */
export interface FilledStore<T> {
  /** What the fill returned (row ids are the same in every copy). */
  value: T;
  /** A copy of the filled store, of its own; close() removes it. */
  open(): Promise<TestStore>;
  /** Removes the filled store itself. */
  remove(): Promise<void>;
}

/**
 * A store of the kind filled once by `fill`, then copied for each test that changes it: copying
 * (the folder for PGlite, CREATE DATABASE ... TEMPLATE for Postgres) costs a fraction of filling
 * a new store row by row. The filled store is closed before it is copied.
 */
export async function filledStore<T>(kind: StoreKind, fill: (db: Database['db']) => Promise<T>): Promise<FilledStore<T>> {
  if (kind === 'pglite') {
    const dataDir = await freshDataDir();
    const value = await fillClosed(await openDatabase({ dataDir }), fill);
    return {
      value,
      open: async () => {
        const { database, cleanup } = await openTempPglite(dataDir);
        return { database, close: cleanup };
      },
      remove: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
    };
  }
  const base = await migratedPostgresDatabase();
  // Postgres copies a database only while no one is connected to it.
  const value = await fillClosed(await openDatabase({ databaseUrl: base.url, dataDir: '/unused' }), fill);
  return { value, open: async () => openPostgresCopy(await createTestDatabase({ template: base.name })), remove: base.drop };
}

async function fillClosed<T>(database: Database, fill: (db: Database['db']) => Promise<T>): Promise<T> {
  try {
    return await fill(database.db);
  } finally {
    await database.close();
  }
}
