import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../db/client.ts';
import { createTestDatabase, postgresAvailable } from '../helpers/services.ts';

// Creating a PGlite store runs initdb and every migration: seconds of CPU. Nineteen test files
// need empty stores, and each made its own template once; one template for the whole run, made
// here by the same code a user's first run goes through, saves that work in every file. Test
// files copy it (test/helpers/db.ts); they never write to it.

// The same for Postgres: tests that need a store of each kind (test/helpers/backends.ts) copy one
// migrated database (CREATE DATABASE ... TEMPLATE) instead of migrating a new one every time.

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    /** Empty when Postgres is not reachable here (the tests that need it skip, or fail in CI). */
    postgresTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Asked first, so nothing is left behind when it fails the run: outside CI a missing server
  // leaves the template out (its tests skip); in CI it throws.
  const hasPostgres = await postgresAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'stance-template-run-'));
  const database = await openDatabase({ dataDir: dir });
  await database.close();
  project.provide('pgliteTemplate', dir);
  const pg = hasPostgres ? await createTestDatabase() : undefined;
  if (pg) {
    const migrated = await openDatabase({ databaseUrl: pg.url, dataDir: '/unused', migrations: 'apply' });
    await migrated.close();
  }
  project.provide('postgresTemplate', pg?.name ?? '');
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    await pg?.drop();
  };
}
