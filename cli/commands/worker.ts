import type { Command } from 'commander';
import { ConfigError } from '../../config/config.ts';
import { DEFAULT_WORKER_CONCURRENCY } from '../../workers/catalog.ts';
import { summaryOf } from '../command-index.ts';

/** `stance worker`: process queued jobs until SIGINT/SIGTERM, then shut down gracefully. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(summaryOf('worker'))
    .option('-c, --concurrency <n>', 'jobs run at once per queue', (v) => parsePositive(v, '--concurrency'), DEFAULT_WORKER_CONCURRENCY)
    .action(async (opts: { concurrency: number }) => {
      // Loaded when the command runs, not at every start of `stance` (BullMQ, ioredis, the models).
      const { runWorker } = await import('./worker-run.ts');
      await runWorker(opts);
    });
}

function parsePositive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${flag} must be a whole number of at least 1 (got "${value}")`);
  return n;
}
