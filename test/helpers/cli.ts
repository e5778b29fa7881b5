import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { repoPath } from './paths.ts';

/** Runs the real `stance` command in a child process with the given environment additions. */
export function runCli(args: string[], env: Record<string, string>, cwd = repoPath('.')): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [repoPath('bin/stance.js'), ...args], {
    cwd,
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A `stance` child process running in the background; `done` resolves when it exits. */
export interface CliProcess {
  child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts the real `stance` command without waiting for it (two processes at once, a server). */
export function startCli(args: string[], env: Record<string, string>, cwd = repoPath('.')): CliProcess {
  const child = spawn(process.execPath, [repoPath('bin/stance.js'), ...args], {
    cwd,
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stderr: () => stderr, done };
}

/** Waits until check() returns a value (polling), or fails after timeoutMs with what the process said. */
export async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
