import { ZodError } from 'zod';
import { ConfigError } from '../config/config.ts';
import { DatabaseError, StoreLockedError } from '../db/client.ts';
import { ManifestError } from '../pipeline/manifest.ts';
import { AxisError } from '../pipeline/axes.ts';
import { ModelLoadError } from '../pipeline/models.ts';
import { NothingScoredError } from '../app/lookup.ts';
import { ThresholdProfileError } from '../app/eval-threshold-profiles.ts';
import { QueueError } from './process-after-ingest.ts';
import { SimilarQueryError } from '../app/compare/similar.ts';
import { ScorerNameError } from '../app/scorers/names.ts';
import { SourceError } from '../app/sources.ts';
import { LexiconFileError } from '../pipeline/lexicon/lexicon-file.ts';
import { flagName, UsageError } from './options.ts';
import { describeZodError } from '../pipeline/issues.ts';
import { ArtifactError } from '../pipeline/train/artifact.ts';
import { OutputPathError } from '../pipeline/output-files.ts';

// Errors a user can fix from the message alone: no stack trace, exit code 2.
const USER_ERRORS = [ConfigError, DatabaseError, ManifestError, AxisError, ModelLoadError, NothingScoredError, SimilarQueryError, ThresholdProfileError, QueueError, StoreLockedError, ScorerNameError, ArtifactError, LexiconFileError, SourceError, UsageError, OutputPathError];

/**
 * What `stance` prints for an error a user can fix (usage, unknown names, bad input), or
 * undefined for an unexpected one. Loaded only when a command fails: the classes it checks
 * come from the modules of nearly every command.
 */
export function userErrorMessage(err: unknown): string | undefined {
  if (err instanceof ZodError) return `invalid arguments: ${describeZodError(err, flagName)}`;
  if (USER_ERRORS.some((E) => err instanceof E)) return (err as Error).message;
  return undefined;
}
