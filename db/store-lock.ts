import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One writer per embedded store. PGlite is one process's database: it takes no lock of its own, and
 * two processes on one folder both "succeed" while one side's writes are lost. So the process that
 * opens the store first creates `store.lock` in the data folder (atomically, naming itself), and
 * every other process waits for it for a bounded time or is refused with a message naming it.
 *
 * A plain file with the holder's pid rather than an mtime-refreshed lock (proper-lockfile): the
 * inline runner blocks its event loop for seconds during inference, which would make such a lock
 * look stale while its holder is alive; a pid check does not depend on the holder's timers.
 */

export const LOCK_FILE = 'store.lock';
const POLL_MS = 200;
// A takeover guard older than this belongs to a process that died while taking over a stale lock.
const GUARD_STALE_MS = 10_000;

/** Who holds the store, as written in the lock file. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** The command line, e.g. `stance ingest --manifest seeds/manifest.json`. */
  command: string;
  started_at: string;
  /** For `stance serve`: where its API listens. */
  url?: string;
  /** Tells this holder's file from a later one of the same pid. */
  token: string;
}

export interface StoreLockOptions {
  /** The holder's command line for other processes' messages; default: this process's argv. */
  command?: string;
  /** How long to wait for another holder, in ms (default 0: refuse at once). A `stance serve` holder is never waited for. */
  waitMs?: number;
  /** Messages for people: waiting, taking over a stale lock. */
  onNotice?: (message: string) => void;
}

/** A held lock on an embedded store. */
export interface StoreLock {
  path: string;
  holder: LockHolder;
  /** Adds details other processes should see (the server's URL once it listens). */
  update(details: { url?: string }): void;
  /** Removes the lock file if it is still this holder's; safe to call twice. */
  release(): void;
}

/** Another process holds the embedded store; the message names it and says what to do. */
export class StoreLockedError extends Error {
  override name = 'StoreLockedError';
  constructor(
    message: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(message);
  }
}

// Locks held by this process, so a second open in the same process is refused too.
const heldHere = new Map<string, StoreLock>();

/** Takes the lock of the embedded store in dataDir, waiting up to waitMs for another holder. */
export async function acquireStoreLock(dataDir: string, opts: StoreLockOptions = {}): Promise<StoreLock> {
  const path = join(resolve(dataDir), LOCK_FILE);
  const mine: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    command: (opts.command ?? defaultCommand()).slice(0, 300),
    started_at: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const waitMs = opts.waitMs ?? 0;
  const started = Date.now();
  const deadline = started + waitMs;
  let waiting = false;
  for (;;) {
    if (heldHere.has(path)) {
      throw new StoreLockedError(`this process already has the embedded store in ${dataDir} open; close it before opening it again`, mine);
    }
    if (tryCreate(path, mine)) return register(path, mine);
    const current = readHolder(path);
    if (current === 'missing') continue; // released between our attempt and the read
    if (current === 'unreadable' && !isStaleFile(path, current)) {
      // Not written by stance, or written moments ago by something else: wait like for a holder.
      // A second of grace even with no wait: a lock being written can look empty for a moment.
      if (Date.now() >= Math.max(deadline, started + 1000)) throw new StoreLockedError(`the lock file ${path} of the embedded store cannot be read; if no stance process uses ${dataDir}, delete it`, undefined);
      await sleep(POLL_MS);
      continue;
    }
    if (current === 'unreadable' || !holderAlive(current, path)) {
      if (takeOver(path, current)) {
        opts.onNotice?.(
          current === 'unreadable'
            ? `note: replaced an unreadable lock file ${path}`
            : `note: took over the embedded store in ${dataDir} from ${describe(current)}, which no longer runs (stale lock)`,
        );
      } else {
        await sleep(POLL_MS);
      }
      continue;
    }
    if (isServer(current)) throw new StoreLockedError(serverMessage(dataDir, current), current);
    if (Date.now() >= deadline) throw new StoreLockedError(busyMessage(dataDir, path, current, waitMs), current);
    if (!waiting) {
      waiting = true;
      opts.onNotice?.(`waiting up to ${formatSeconds(waitMs)} for the embedded store in ${dataDir}, held by ${describe(current)} (STANCE_LOCK_WAIT sets how long)...`);
    }
    await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
  }
}

/** Who holds the store in dataDir, or undefined when nobody does (for messages and tests). */
export function storeHolder(dataDir: string): LockHolder | undefined {
  const h = readHolder(join(resolve(dataDir), LOCK_FILE));
  return typeof h === 'string' ? undefined : h;
}

function defaultCommand(): string {
  return ['stance', ...process.argv.slice(2)].join(' ');
}

// The content is complete before the lock appears: write a private file, then hard-link it to the
// lock name, which fails when the lock exists (atomic, unlike create-then-write).
function tryCreate(path: string, holder: LockHolder): boolean {
  const tmp = `${path}.${holder.pid}.${holder.token}`;
  writeFileSync(tmp, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') return createExclusive(path, holder); // no hard links here
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

// O_EXCL create for file systems without hard links; readers may briefly see it empty ('unreadable', waited for).
function createExclusive(path: string, holder: LockHolder): boolean {
  try {
    writeFileSync(path, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readHolder(path: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.token === 'string' && typeof h.command === 'string') {
      return { pid: h.pid, hostname: String(h.hostname ?? ''), command: h.command, started_at: String(h.started_at ?? ''), token: h.token, ...(h.url ? { url: String(h.url) } : {}) };
    }
  } catch {
    // fall through
  }
  return 'unreadable';
}

function holderAlive(h: LockHolder, path: string): boolean {
  // A pid on another machine (a shared folder) cannot be checked: count it as alive.
  if (h.hostname && h.hostname !== hostname()) return true;
  // Our own pid without our own lock: a previous process that had the same pid (containers reuse them).
  if (h.pid === process.pid) return heldHere.get(path)?.holder.token === h.token;
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

// A dead holder's lock is stale at once; an unreadable file only once it is old (never written by us).
function isStaleFile(path: string, h: LockHolder | 'unreadable'): boolean {
  if (h !== 'unreadable') return true;
  try {
    return Date.now() - statSync(path).mtimeMs > GUARD_STALE_MS;
  } catch {
    return false;
  }
}

// Removing a stale lock races with other processes doing the same, and one of them may already have
// created a fresh lock. A guard file makes the check-and-remove one step: only the lock we judged
// stale (same token) is removed.
function takeOver(path: string, stale: LockHolder | 'unreadable'): boolean {
  const guard = `${path}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    try {
      if (Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS) unlinkSync(guard);
    } catch {
      // gone already
    }
    return false;
  }
  try {
    writeSync(fd, String(process.pid));
    const now = readHolder(path);
    const same = now === 'missing' ? false : stale === 'unreadable' ? now === 'unreadable' : typeof now !== 'string' && now.token === stale.token;
    if (same) unlinkSync(path);
    return same;
  } finally {
    closeSync(fd);
    unlinkSync(guard);
  }
}

const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

function register(path: string, holder: LockHolder): StoreLock {
  const onExit = () => lock.release();
  // Without other listeners a signal would end the process without 'exit' handlers: release the
  // lock and exit as the signal would. With other listeners (serve, worker) they shut down and close the store.
  const onSignal = (signal: keyof typeof SIGNALS) => {
    if (process.listenerCount(signal) > 1) return;
    lock.release();
    process.exit(SIGNALS[signal]);
  };
  const lock: StoreLock = {
    path,
    holder,
    update(details) {
      if (!ownsFile(path, holder)) return;
      Object.assign(holder, details);
      const tmp = `${path}.${holder.pid}.${holder.token}`;
      writeFileSync(tmp, `${JSON.stringify(holder)}\n`);
      renameSync(tmp, path); // atomic replace: readers see the old or the new content
    },
    release() {
      if (heldHere.get(path) !== lock) return;
      heldHere.delete(path);
      process.off('exit', onExit);
      for (const s of Object.keys(SIGNALS)) process.off(s, onSignal);
      if (ownsFile(path, holder)) {
        try {
          unlinkSync(path);
        } catch {
          // already removed
        }
      }
    },
  };
  heldHere.set(path, lock);
  process.on('exit', onExit);
  for (const s of Object.keys(SIGNALS)) process.on(s, onSignal);
  return lock;
}

function ownsFile(path: string, holder: LockHolder): boolean {
  const now = readHolder(path);
  return typeof now !== 'string' && now.token === holder.token && now.pid === holder.pid;
}

const isServer = (h: LockHolder) => /^stance serve\b/.test(h.command);

function describe(h: LockHolder): string {
  const where = h.hostname && h.hostname !== hostname() ? ` on host ${h.hostname}` : '';
  return `\`${h.command}\` (pid ${h.pid}${where}) since ${h.started_at}`;
}

function serverMessage(dataDir: string, h: LockHolder): string {
  const api = h.url ?? 'its URL';
  return (
    `the embedded store in ${dataDir} is in use by ${describe(h)}${h.url ? `, serving ${h.url}` : ''}. ` +
    `PGlite serves one process at a time: use the server's API instead (POST ${api}/documents adds a document; PATCH and DELETE ${api}/documents/ID, ` +
    `POST ${api}/sources/rename and ${api}/sources/merge correct the corpus; the queries answer there too), ` +
    `or stop the server first, or set DATABASE_URL to share a Postgres server between processes.`
  );
}

function busyMessage(dataDir: string, path: string, h: LockHolder, waitMs: number): string {
  return (
    `the embedded store in ${dataDir} is in use by ${describe(h)}${waitMs > 0 ? `; waited ${formatSeconds(waitMs)}` : ''}. ` +
    `PGlite serves one process at a time: wait for that command to finish (STANCE_LOCK_WAIT sets how long to wait) or stop it, ` +
    `or set DATABASE_URL to share a Postgres server between processes. If no such process runs, delete ${path}.`
  );
}

const formatSeconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
