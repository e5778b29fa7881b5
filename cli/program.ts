import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.ts';
import { DatabaseError, StoreLockedError } from '../db/client.ts';
import { ManifestError } from '../pipeline/manifest.ts';
import { AxisError } from '../pipeline/axes.ts';
import { ModelLoadError } from '../pipeline/models.ts';
import { NothingScoredError } from '../app/lookup.ts';
import { ThresholdProfileError } from '../app/eval-threshold-profiles.ts';
import { QueueError } from './process-after-ingest.ts';
import { SimilarQueryError } from '../app/compare/similar.ts';
import { ZodError } from 'zod';
import { ScorerNameError } from '../app/scorers/names.ts';
import { SourceError } from '../app/sources.ts';
import { LexiconFileError } from '../pipeline/lexicon/lexicon-file.ts';
import { registerScorers } from './commands/scorers.ts';
import { registerAxes } from './commands/axes.ts';
import { registerCompare } from './commands/compare.ts';
import { registerEvidence } from './commands/evidence.ts';
import { registerExport } from './commands/export.ts';
import { registerMap } from './commands/map.ts';
import { registerSimilar } from './commands/similar.ts';
import { registerDb } from './commands/db.ts';
import { registerProcess } from './commands/process.ts';
import { registerRetry } from './commands/retry.ts';
import { registerDocuments } from './commands/documents.ts';
import { registerSources } from './commands/sources.ts';
import { registerRescore } from './commands/rescore.ts';
import { registerWorker } from './commands/worker.ts';
import { registerDemo } from './commands/demo.ts';
import { registerEval } from './commands/eval.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerStatus } from './commands/status.ts';
import { registerServe } from './commands/serve.ts';
import { registerTrain } from './commands/train.ts';
import { say } from './output.ts';
import { UsageError } from './options.ts';
import { ArtifactError } from '../pipeline/train/artifact.ts';

// Errors a user can fix from the message alone: no stack trace, exit code 2.
const USER_ERRORS = [ConfigError, DatabaseError, ManifestError, AxisError, ModelLoadError, NothingScoredError, SimilarQueryError, ThresholdProfileError, QueueError, StoreLockedError, ScorerNameError, ArtifactError, LexiconFileError, SourceError, UsageError];

/** The `stance` program with every command registered (a new one each call: commander keeps parse state). */
export function buildProgram(): Command {
  const program = new Command('stance')
    .description('Measure and compare policy stances in texts on Internet and ICT governance.\nConfiguration comes from environment variables: see README.md.')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    // Options after a subcommand are that subcommand's (`documents update 3 --json` is update's --json, not the listing's).
    .enablePositionalOptions()
    .exitOverride();
  registerIngest(program);
  registerStatus(program);
  registerProcess(program);
  registerRetry(program);
  registerDocuments(program);
  registerSources(program);
  registerWorker(program);
  registerRescore(program);
  registerAxes(program);
  registerScorers(program);
  registerCompare(program);
  registerEvidence(program);
  registerSimilar(program);
  registerExport(program);
  registerMap(program);
  registerDb(program);
  registerDemo(program);
  registerEval(program);
  registerTrain(program);
  registerServe(program);
  return program;
}

/**
 * Runs `stance` with argv (process.argv form) and returns the exit code: 0, 2 for errors a user
 * can fix from the message (usage, unknown names, bad input), 1 for unexpected ones.
 */
export async function runStance(argv: string[]): Promise<number> {
  try {
    process.exitCode = undefined;
    await buildProgram().parseAsync(argv);
    // Commands that finish with a non-zero code set process.exitCode; the caller sets it again.
    const code = Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    return code;
  } catch (err) {
    // Commander has printed its message; --help and --version end with 0, a usage mistake is
    // a user error like any other (exit code 2), not the 1 commander would give.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ZodError) {
      say(`stance: invalid arguments: ${err.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ')}`);
      return 2;
    }
    if (USER_ERRORS.some((E) => err instanceof E)) {
      say(`stance: ${(err as Error).message}`);
      return 2;
    }
    say(`stance: unexpected error: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}
