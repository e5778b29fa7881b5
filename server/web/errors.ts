import { ZodError } from 'zod';
import { SimilarQueryError } from '../../app/compare/similar.ts';
import { NothingScoredError } from '../../app/lookup.ts';
import { ScorerNameError } from '../../app/scorers/names.ts';
import { ArtifactError } from '../../pipeline/train/artifact.ts';
import { AxisError } from '../../pipeline/axes.ts';
import { describeZodError } from '../../pipeline/issues.ts';
import { redactSecrets } from '../../pipeline/redact.ts';

/** A request a page cannot answer, with the HTTP status and the message shown on the page. */
export class PageError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 503,
    message: string,
  ) {
    super(message);
  }
}

/** The page error for what the queries raise on a request they cannot answer; undefined for bugs. */
export function pageErrorFor(err: unknown): PageError | undefined {
  if (err instanceof PageError) return err;
  if (err instanceof AxisError || err instanceof ScorerNameError) return new PageError(400, err.message);
  if (err instanceof ZodError) return new PageError(400, describeZodError(err));
  if (err instanceof NothingScoredError) return new PageError(409, redactSecrets(err.message));
  if (err instanceof SimilarQueryError) return new PageError(409, err.message);
  if (err instanceof ArtifactError) return new PageError(409, err.message);
  return undefined;
}
