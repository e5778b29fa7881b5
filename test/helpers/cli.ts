import { spawnSync } from 'node:child_process';
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
