import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../db/client.ts';

// Creating a PGlite store runs initdb and every migration: seconds of CPU. Nineteen test files
// need empty stores, and each made its own template once; one template for the whole run, made
// here by the same code a user's first run goes through, saves that work in every file. Test
// files copy it (test/helpers/db.ts); they never write to it.

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'stance-template-run-'));
  const database = await openDatabase({ dataDir: dir });
  await database.close();
  project.provide('pgliteTemplate', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
