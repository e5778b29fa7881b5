import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { openDatabase } from '../../db/client.ts';
import { storeOptions } from '../context.ts';
import { printJson, say } from '../output.ts';
import { summaryOf } from '../command-index.ts';

/** `stance db migrate|status`: apply or inspect the committed migrations. */
export function registerDb(program: Command): void {
  const db = program.command('db').description(summaryOf('db'));
  db.command('migrate')
    .description('apply the committed migrations (the embedded database does this by itself)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      const database = await openDatabase(storeOptions(config, { migrations: 'ignore' }));
      try {
        const before = await database.pendingMigrations();
        await database.migrate();
        if (opts.json) printJson({ database: database.location, applied: before });
        else say(`${database.location}: ${before === 0 ? 'schema already up to date' : `applied ${before} migration(s)`}`);
      } finally {
        await database.close();
      }
    });
}
