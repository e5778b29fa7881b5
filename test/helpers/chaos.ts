import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { repoPath } from './paths.ts';

/**
 * Private Redis and Postgres servers for chaos tests and the soak: started on free ports in
 * temporary folders, so the shared servers of the machine are never stopped or filled.
 */

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A free TCP port on 127.0.0.1 (asked of the kernel). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await probe().catch(() => false))) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not ready after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** A redis-server of our own; stop() without `save` loses its data, with it keeps a dump to restart from. */
export interface PrivateRedis {
  url: string;
  start(): Promise<void>;
  stop(opts?: { save?: boolean }): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'stance-chaos-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const ping = async () => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
    r.on('error', () => {});
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } finally {
      r.disconnect();
    }
  };
  const api: PrivateRedis = {
    url,
    async start() {
      // No periodic saves and no AOF: the only dump is the one stop({ save: true }) writes.
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', 'dump.rdb'], { stdio: 'ignore' });
      await until(`redis on ${port}`, ping);
    },
    async stop(opts = {}) {
      if (!child) return;
      const exited = new Promise((r) => child!.once('exit', r));
      const r = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => {});
      // SHUTDOWN closes the connection; the reply never comes.
      await r.call('shutdown', opts.save ? 'save' : 'nosave').catch(() => {});
      r.disconnect();
      await Promise.race([exited, sleep(5000)]);
      child.kill('SIGKILL');
      child = undefined;
      if (!opts.save) rmSync(join(dir, 'dump.rdb'), { force: true });
    },
    async destroy() {
      await api.stop().catch(() => {});
      if (child) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await api.start();
  return api;
}

/** A Postgres cluster of our own (initdb into a temporary folder); url points at database `stance`. */
export interface PrivatePostgres {
  url: string;
  adminUrl: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Drops and creates the `stance` database again (a new incarnation, ids from 1). */
  recreateDatabase(): Promise<void>;
  destroy(): Promise<void>;
}

// initdb and postgres refuse to run as root; run them as the postgres user then.
function asPostgres(cmd: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', cmd, ...args] : [cmd, ...args];
}

function run(argv: string[]): void {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'stance-chaos-pg-'));
  if (process.getuid?.() === 0) {
    const pg = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(pg.stdout.trim()), Number(gid.stdout.trim()));
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  const port = await freePort();
  run(asPostgres(`${PG_BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']));
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const url = `postgres://postgres@127.0.0.1:${port}/stance`;
  const admin = async (statement: string) => {
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(statement);
    } finally {
      await sql.end({ timeout: 1 });
    }
  };
  const api: PrivatePostgres = {
    url,
    adminUrl,
    async start() {
      // Durability off: these clusters live for one test.
      const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
      run(asPostgres(`${PG_BIN}/pg_ctl`, ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']));
    },
    async stop() {
      run(asPostgres(`${PG_BIN}/pg_ctl`, ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']));
    },
    async recreateDatabase() {
      await admin('drop database if exists stance with (force)');
      await admin('create database stance');
    },
    async destroy() {
      spawnSync(asPostgres(`${PG_BIN}/pg_ctl`, ['-D', data, '-m', 'immediate', '-w', 'stop'])[0] as string, asPostgres(`${PG_BIN}/pg_ctl`, ['-D', data, '-m', 'immediate', '-w', 'stop']).slice(1));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await api.start();
  await admin('create database stance');
  return api;
}

/** A `stance worker` child process; kill() is kill -9, stop() is SIGTERM and waits. */
export interface WorkerProcess {
  child: ChildProcess;
  log(): string;
  ready(timeoutMs?: number): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<number | null>;
}

export function spawnWorker(env: Record<string, string>, concurrency = 2): WorkerProcess {
  const child = spawn(process.execPath, [repoPath('bin/stance.js'), 'worker', '--concurrency', String(concurrency)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    log: () => log,
    async ready(timeoutMs = 60_000) {
      await until('worker', async () => {
        if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}): ${log}`);
        return log.includes('workers ready');
      }, timeoutMs);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
