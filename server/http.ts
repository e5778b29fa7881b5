import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z, ZodError } from 'zod';
import { issuesOf } from '../pipeline/issues.ts';
import type { ApiIssue } from './params.ts';
import { describeIssues } from '../pipeline/issues.ts';

// What the API's routes share: the error answer, reading a JSON body, the token check.

/** A 4xx/5xx answer: `{error, issues?}`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly issues?: ApiIssue[],
  ) {
    super(message);
  }
}

/** A zod error's issues in the API's terms: each names its body field, an unknown one too (pipeline/issues.ts). */
export function zodIssues(err: ZodError): ApiIssue[] {
  return issuesOf(err);
}

/**
 * The request body as JSON checked by `schema`, or a 400: `malformed` when it is no JSON, else
 * `invalid(issues described)` with the issues listed.
 */
export async function schemaBody<S extends z.ZodType>(c: Context, schema: S, malformed: string, invalid: (described: string) => string): Promise<z.output<S>> {
  const body = schema.safeParse(await jsonBody(c, malformed));
  if (!body.success) {
    const issues = zodIssues(body.error);
    throw new ApiError(400, invalid(describeIssues(issues)), issues);
  }
  return body.data;
}

/** The request body as JSON, or a 400 saying what the body should be. */
export async function jsonBody(c: Context, expected: string): Promise<unknown> {
  try {
    return JSON.parse(await c.req.text());
  } catch {
    throw new ApiError(400, expected);
  }
}

/** A limit for the small JSON bodies of corrections (64 KiB), with a 413 that says what is small. */
export function smallBody(what: string): MiddlewareHandler {
  return bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: `request body over 64 KiB: ${what} is small` }, 413) });
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Writes need `Authorization: Bearer <token>` when a token is configured (compared in constant time). */
export function requireToken(token: string | undefined, what = 'writes'): MiddlewareHandler {
  const expected = token === undefined ? undefined : digest(token);
  return async (c, next) => {
    if (!expected) return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="stance"');
      return c.json({ error: match ? 'wrong bearer token' : `${what} need an Authorization: Bearer <token> header (STANCE_API_TOKEN)` }, 401);
    }
    return next();
  };
}
