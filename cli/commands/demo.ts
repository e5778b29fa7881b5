import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

const SEED_MANIFEST = fileURLToPath(new URL('../../seeds/manifest.json', import.meta.url));

/** `stance demo` (npm start): the main job on the seed corpus, from a fresh checkout. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the main job: ingest and score the seed corpus (seeds/manifest.json), then compare its sources')
    .action(async () => {
      await program.parseAsync(['ingest', '--manifest', SEED_MANIFEST], { from: 'user' });
      if (process.exitCode) return;
      await program.parseAsync(['compare'], { from: 'user' });
    });
}
