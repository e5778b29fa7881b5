import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.ts';
import { DatabaseError } from '../db/client.ts';
import { ManifestError } from '../pipeline/manifest.ts';
import { registerDb } from './commands/db.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerStatus } from './commands/status.ts';
import { say } from './output.ts';

// Errors a user can fix from the message alone: no stack trace, exit code 2.
const USER_ERRORS = [ConfigError, DatabaseError, ManifestError];

const program = new Command('stance')
  .description('Measure and compare policy stances in texts on Internet and ICT governance.\nConfiguration comes from environment variables: see README.md.')
  .version('0.1.0')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();

registerIngest(program);
registerStatus(program);
registerDb(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else if (USER_ERRORS.some((E) => err instanceof E)) {
    say(`stance: ${(err as Error).message}`);
    process.exitCode = 2;
  } else {
    say(`stance: unexpected error: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = 1;
  }
}
