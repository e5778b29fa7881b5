import { inject } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { openTempPglite } from './db.ts';
import { createTestDatabase, postgresAvailable } from './services.ts';

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
  // A copy of the run's migrated database (test/setup/pglite-template.ts): about half the time
  // of migrating a new one. Opening requires every migration, so a stale copy fails here.
  const template = inject('postgresTemplate');
  const testDb = await createTestDatabase(template ? { template } : {});
  if (!template) {
    const setup = await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused', migrations: 'ignore' });
    await setup.migrate();
    await setup.close();
  }
  const database = await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused' });
  return {
    database,
    close: async () => {
      await database.close();
      await testDb.drop();
    },
  };
}
