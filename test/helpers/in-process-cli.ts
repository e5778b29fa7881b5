import { format } from 'node:util';
import { vi } from 'vitest';
import { runStance } from '../../cli/program.ts';
import { forgetConfig } from '../../config/config.ts';

/**
 * Runs `stance` in this process (the command layer as the binary runs it, without a child
 * process per call) and returns its exit code, stdout and stderr. The environment is the
 * process's: set the variables the command reads before calling.
 */
export async function runInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  // The test runner routes console output its own way: catch it where the commands print tables.
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void (stdout += `${format(...args)}\n`));
  const error = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void (stderr += `${format(...args)}\n`));
  // The configuration is parsed once per process; a test may have changed the environment since.
  forgetConfig();
  try {
    const code = await runStance(['node', 'stance', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    log.mockRestore();
    error.mockRestore();
  }
}

/**
 * runCli's twin in this process: the environment additions apply to this one command (over
 * DATABASE_URL and REDIS_URL emptied, as runCli does) and are undone afterwards. For tests of a
 * command's output and exit code; a test of the process itself (signals, locks between
 * processes, the binary's start) spawns it with runCli.
 */
export async function runCliInProcess(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const set: Record<string, string> = { DATABASE_URL: '', REDIS_URL: '', ...env };
  const before = new Map(Object.keys(set).map((k) => [k, process.env[k]]));
  Object.assign(process.env, set);
  try {
    return await runInProcess(args);
  } finally {
    for (const [k, v] of before) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
