import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../db/client.ts';

/** An embedded PGlite store in a temporary folder, migrated; cleanup() closes and deletes it. */
export async function openTempPglite(): Promise<{ database: Database; dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stance-test-'));
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
