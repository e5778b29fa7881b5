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
