import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';

// Creating a PGlite store runs initdb and every migration (seconds); copying a store made once
// takes milliseconds. So every temporary store is a copy of one template, made by the same code a
// user's first run goes through: once per run by vitest's global setup, or once per process.
let template: Promise<string> | undefined;

async function templateDir(): Promise<string> {
  // The run's template (test/setup/pglite-template.ts) when vitest made one; else one of this process.
  const shared = inject('pgliteTemplate');
  if (shared) return shared;
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stance-template-'));
    const database = await openDatabase({ dataDir: dir });
    await database.close();
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })();
  return template;
}

/** Puts an empty, migrated store into dataDir (a folder that holds none yet). */
export async function copyEmptyStore(dataDir: string): Promise<void> {
  copyStoreInto(await templateDir(), dataDir);
}

function copyStoreInto(from: string, dataDir: string): void {
  cpSync(join(from, 'pgdata'), join(dataDir, 'pgdata'), { recursive: true });
}

/** A temporary STANCE_DATA_DIR holding an empty, migrated store (for the CLI); the caller removes it. */
export async function freshDataDir(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stance-test-'));
  await copyEmptyStore(dataDir);
  return dataDir;
}

/**
 * An embedded PGlite store in a temporary folder: a copy of the store in the data dir `from`
 * (closed), else an empty, migrated one; cleanup() closes and deletes it.
 */
export async function openTempPglite(from?: string): Promise<{ database: Database; dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stance-test-'));
  copyStoreInto(from ?? (await templateDir()), dataDir);
  const database = await openDatabase({ dataDir });
  return {
    database,
    dataDir,
    cleanup: async () => {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
