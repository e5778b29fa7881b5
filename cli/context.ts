import { loadConfig, type Config } from '../config/config.ts';
import { openDatabase, type Database, type OpenOptions } from '../db/client.ts';
import { say } from './output.ts';

/**
 * How a CLI command opens the store: Postgres when DATABASE_URL is set, else the embedded store,
 * whose one-writer lock it waits for up to STANCE_LOCK_WAIT (a running `stance serve` is not waited for).
 */
export function storeOptions(config: Config, extra: Partial<OpenOptions> = {}): OpenOptions {
  return {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    lock: { waitMs: config.lockWaitMs, onNotice: say },
    ...extra,
  };
}

/** Runs fn with the configuration and an open database, and closes the database afterwards. */
export async function withDatabase<T>(fn: (database: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(storeOptions(config));
  try {
    return await fn(database, config);
  } finally {
    await database.close();
  }
}
