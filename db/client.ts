import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { drizzle as DrizzlePglite } from 'drizzle-orm/pglite';
import type { migrate as MigratePglite } from 'drizzle-orm/pglite/migrator';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.ts';
import { redactUrl } from '../pipeline/redact.ts';
import { failureMessage } from '../pipeline/failure-message.ts';
import { connectFailure } from './connect-errors.ts';
import { acquireStoreLock, type StoreLock, type StoreLockOptions } from './store-lock.ts';
import { makeOutputFolder, OutputPathError } from '../pipeline/output-files.ts';
import { projectFile } from '../config/project-files.ts';

export { redactUrl };
export { StoreLockedError } from './store-lock.ts';

export const MIGRATIONS_DIR = projectFile('db/migrations');

/** The drizzle database type both drivers share; code above db/ sees only this. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open database: the drizzle handle, which driver it is, and how to close it. */
export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages (a directory or a URL without its password). */
  location: string;
  migrate(): Promise<void>;
  /** Number of committed migrations not yet applied. */
  pendingMigrations(): Promise<number>;
  /** The embedded store's one-writer lock (PGlite only), released by close(). */
  lock?: StoreLock;
  close(): Promise<void>;
}

/** Error raised when the database cannot be opened or is not ready for use. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /**
   * What to do with pending migrations on open: apply them (default on PGlite), refuse to go on
   * (default on Postgres, where schema changes are an operator's decision), or ignore them.
   */
  migrations?: 'apply' | 'require' | 'ignore';
  /** How this process waits for and names itself in the embedded store's lock (PGlite only). */
  lock?: StoreLockOptions;
}

/** Opens Postgres when a URL is given, else the embedded PGlite store under dataDir. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const database = opts.databaseUrl ? await openPostgres(opts.databaseUrl) : await openPglite(opts.dataDir, opts.lock);
  const mode = opts.migrations ?? (database.kind === 'pglite' ? 'apply' : 'require');
  try {
    if (mode === 'apply') {
      await database.migrate();
    } else if (mode === 'require') {
      const pending = await database.pendingMigrations();
      if (pending > 0) {
        throw new DatabaseError(
          `The database at ${database.location} has ${pending} migration(s) not applied. Run \`stance db migrate\` first.`,
        );
      }
    }
  } catch (err) {
    await database.close();
    if (err instanceof DatabaseError) throw err;
    // The driver's cause, never drizzle's message: that carries the SQL text and its parameters.
    const lost = database.kind === 'postgres' ? connectFailure(err) : undefined;
    if (lost !== undefined) throw new DatabaseError(`cannot connect to Postgres at ${database.location}: ${lost}`, { cause: err });
    throw new DatabaseError(`cannot prepare the database at ${database.location}: ${failureMessage(err)}`, { cause: err });
  }
  return database;
}

// Each driver loads when a store of its kind is opened: a command loads one of them, and commands
// that open no store (--help, axes) none.
async function openPostgres(url: string): Promise<Database> {
  const [{ default: postgres }, { drizzle: drizzlePostgres }, { migrate: migratePostgres }] = await Promise.all([
    import('postgres'),
    import('drizzle-orm/postgres-js'),
    import('drizzle-orm/postgres-js/migrator'),
  ]);
  const client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10 });
  // Connect now, whatever the command does first: a server that is down, a wrong password or an
  // unknown database is then told as such, not as the first query of the command failing.
  try {
    await client`select 1`;
  } catch (err) {
    await client.end({ timeout: 0 }).catch(() => undefined);
    throw new DatabaseError(`cannot connect to Postgres at ${redactUrl(url)}: ${connectFailure(err) ?? failureMessage(err)}`, { cause: err });
  }
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    location: redactUrl(url),
    migrate: () => migratePostgres(drizzlePostgres(client), { migrationsFolder: MIGRATIONS_DIR }),
    pendingMigrations: () => countPending(db),
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * The embedded store's buffer cache. initdb writes 128MB into postgresql.conf, sized for a server
 * that owns the machine; PGlite sets that memory up at every open, so each command paid for it
 * (measured: an open took 740-790 ms at 128MB, 470-500 at 64MB and 330-440 at 32MB or less, in one
 * process). The pages PGlite reads come through the OS page cache either way. On a 50,000-chunk
 * store, compare took a median 313 ms at 128MB, 329 at 64MB and 355 at 32MB, and evidence took the
 * same at all three. So 64MB: most of the saving at open, and compare within 5%. Set on the
 * command line, which leaves the store's own postgresql.conf as initdb wrote it.
 */
export const PGLITE_SHARED_BUFFERS = '64MB';

async function openPglite(dataDir: string, lockOptions: StoreLockOptions | undefined): Promise<Database> {
  const dir = join(dataDir, 'pgdata');
  try {
    makeOutputFolder(dir);
  } catch (err) {
    // A folder the user chose: told as the user's to fix, naming the variable that chose it.
    if (err instanceof OutputPathError) throw new DatabaseError(`${err.message}; STANCE_DATA_DIR sets where the embedded database lives`, { cause: err.cause });
    throw err;
  }
  // Before PGlite touches the files: a second process on the same folder would lose writes.
  const lock = await acquireStoreLock(dataDir, lockOptions);
  let client: PGlite;
  let drizzlePglite: typeof DrizzlePglite;
  let migratePglite: typeof MigratePglite;
  try {
    const [{ PGlite }, driver, migrator] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite'), import('drizzle-orm/pglite/migrator')]);
    drizzlePglite = driver.drizzle;
    migratePglite = migrator.migrate;
    client = await PGlite.create(dir, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`] });
  } catch (err) {
    lock.release();
    throw new DatabaseError(`Cannot open the embedded database in ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    location: dir,
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_DIR }),
    pendingMigrations: () => countPending(db),
    lock,
    close: async () => {
      try {
        await client.close();
      } finally {
        lock.release();
      }
    },
  };
}

async function countPending(db: Db): Promise<number> {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  const exists = await queryRows<{ present: boolean }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!exists[0]?.present) return journal.entries.length;
  const applied = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return Math.max(0, journal.entries.length - (applied[0]?.n ?? 0));
}

/** Runs raw SQL and returns its rows, the same on both drivers (they shape results differently). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
