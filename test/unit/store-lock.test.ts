import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { acquireStoreLock, LOCK_FILE, storeHolder, StoreLockedError, type LockHolder } from '../../db/store-lock.ts';
import { copyEmptyStore } from '../helpers/db.ts';

let dir: string;
let lockPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stance-lock-'));
  lockPath = join(dir, LOCK_FILE);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A lock file as another process would have written it. */
function foreignLock(fields: Partial<LockHolder>): LockHolder {
  const holder: LockHolder = { pid: process.ppid, hostname: hostname(), command: 'stance ingest big.txt --source ITU', started_at: '2026-11-29T00:00:00.000Z', token: 'feedbeef', ...fields };
  writeFileSync(lockPath, JSON.stringify(holder));
  return holder;
}

/** The pid of a process that has exited (spawned and waited for). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  if (!r.pid) throw new Error('could not spawn a process');
  return r.pid;
}

const readLock = () => JSON.parse(readFileSync(lockPath, 'utf8')) as LockHolder;

describe('acquireStoreLock', () => {
  it('writes a lock naming this process and removes it on release', async () => {
    const lock = await acquireStoreLock(dir, { command: 'stance status' });
    expect(readLock()).toMatchObject({ pid: process.pid, command: 'stance status', hostname: hostname() });
    expect(storeHolder(dir)?.pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lockPath)).toBe(false);
    lock.release(); // twice is harmless
  });

  it('refuses a second holder in the same process', async () => {
    const lock = await acquireStoreLock(dir);
    await expect(acquireStoreLock(dir)).rejects.toThrow(/already has the embedded store/);
    lock.release();
  });

  it('refuses at once when a live process holds it, naming the holder and what to do, and leaves its lock alone', async () => {
    const holder = foreignLock({});
    const err = await acquireStoreLock(dir, { waitMs: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    const message = (err as Error).message;
    expect(message).toContain('`stance ingest big.txt --source ITU`');
    expect(message).toContain(`pid ${process.ppid}`);
    expect(message).toContain('since 2026-11-29T00:00:00.000Z');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain(lockPath); // how to clear a lock whose holder is gone
    expect(readLock()).toEqual(holder);
  });

  it('waits for a bounded time with a message, then gives up', async () => {
    foreignLock({});
    const notices: string[] = [];
    const err = await acquireStoreLock(dir, { waitMs: 300, onNotice: (m) => notices.push(m) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as Error).message).toContain('waited 0.3 s');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^waiting up to 0\.3 s for the embedded store in .* held by `stance ingest big\.txt --source ITU` \(pid \d+\)/);
  });

  it('gets the store once the holder releases it while waiting', async () => {
    foreignLock({});
    const notices: string[] = [];
    const lock = await acquireStoreLock(dir, {
      waitMs: 30_000,
      onNotice: (m) => {
        notices.push(m);
        setTimeout(() => rmSync(lockPath), 50); // the holder finishes
      },
    });
    expect(notices[0]).toMatch(/^waiting/);
    expect(readLock().pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose process is gone, with a note naming it', async () => {
    const pid = deadPid();
    foreignLock({ pid, command: 'stance ingest --manifest m.json' });
    const notices: string[] = [];
    const lock = await acquireStoreLock(dir, { onNotice: (m) => notices.push(m) });
    expect(readLock()).toMatchObject({ pid: process.pid });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`took over the embedded store in ${dir} from \`stance ingest --manifest m.json\` (pid ${pid})`);
    expect(notices[0]).toContain('no longer runs');
    lock.release();
  });

  it("takes over a lock of this process's own pid that this process does not hold (a reused pid)", async () => {
    foreignLock({ pid: process.pid, token: 'earlier' });
    const lock = await acquireStoreLock(dir);
    expect(readLock().token).not.toBe('earlier');
    lock.release();
  });

  it('never waits for `stance serve`: the message names its URL and the API route', async () => {
    foreignLock({ command: 'stance serve --port 8787', url: 'http://127.0.0.1:8787' });
    const notices: string[] = [];
    const err = await acquireStoreLock(dir, { waitMs: 60_000, onNotice: (m) => notices.push(m) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as Error).message).toContain('`stance serve --port 8787`');
    expect((err as Error).message).toContain('POST http://127.0.0.1:8787/documents adds a document');
    expect((err as Error).message).toContain('POST http://127.0.0.1:8787/sources/rename and http://127.0.0.1:8787/sources/merge correct the corpus');
    expect(notices).toEqual([]);
  });

  it('update() adds the URL for other processes to read', async () => {
    const lock = await acquireStoreLock(dir, { command: 'stance serve' });
    lock.update({ url: 'http://127.0.0.1:9999' });
    expect(readLock()).toMatchObject({ pid: process.pid, url: 'http://127.0.0.1:9999' });
    lock.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('waits for a fresh unreadable lock file, and replaces an old one with a note', async () => {
    writeFileSync(lockPath, 'not json');
    await expect(acquireStoreLock(dir, { waitMs: 0 })).rejects.toThrow(`the lock file ${lockPath} of the embedded store cannot be read`);
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lockPath, minuteAgo, minuteAgo);
    const notices: string[] = [];
    const lock = await acquireStoreLock(dir, { onNotice: (m) => notices.push(m) });
    expect(notices).toEqual([`note: replaced an unreadable lock file ${lockPath}`]);
    expect(readLock().pid).toBe(process.pid);
    lock.release();
  });

  it('does not remove a lock that is no longer its own', async () => {
    const lock = await acquireStoreLock(dir);
    const other = foreignLock({}); // e.g. deleted by hand and taken by another process
    lock.release();
    expect(readLock()).toEqual(other);
  });
});

describe('openDatabase on the embedded store', () => {
  it('holds the lock while open and releases it on close', async () => {
    await copyEmptyStore(dir); // a migrated store: no initdb to wait for
    const database = await openDatabase({ dataDir: dir, lock: { command: 'stance test' } });
    try {
      expect(readLock()).toMatchObject({ pid: process.pid, command: 'stance test' });
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(StoreLockedError);
    } finally {
      await database.close();
    }
    expect(existsSync(lockPath)).toBe(false);
  }, 180_000);

  it('refuses to open a store another process holds, before touching its files', async () => {
    foreignLock({});
    await expect(openDatabase({ dataDir: dir, lock: { waitMs: 0 } })).rejects.toThrow(/in use by `stance ingest big.txt --source ITU`/);
    expect(existsSync(join(dir, 'pgdata', 'PG_VERSION'))).toBe(false);
  });
});
