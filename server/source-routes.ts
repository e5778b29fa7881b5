import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { mergeSources, renameSource, SourceError, UnknownSourceError } from '../app/sources.ts';
import type { Db } from '../db/client.ts';
import { ApiError, requireToken, schemaBody, smallBody } from './http.ts';
import { sourceMergeBodySchema, sourceRenameBodySchema } from './schemas.ts';

/**
 * POST /sources/rename and /sources/merge: the corpus's source names can be corrected while the
 * server holds the store (the CLI cannot open an embedded store that `stance serve` holds). A
 * name that denotes no source is 404; a change the names do not allow (taken, the same source,
 * unchanged) is 409.
 */
export function registerSourceRoutes(app: Hono, db: Db, apiToken: string | undefined): void {
  app.post('/sources/rename', requireToken(apiToken), smallBody('a rename'), async (c) => {
    const body = await sourceBody(c, sourceRenameBodySchema, '{"from": "old name", "to": "new name"}');
    return c.json(await sourceChange(() => renameSource(db, body.from, body.to)));
  });

  app.post('/sources/merge', requireToken(apiToken), smallBody('a merge'), async (c) => {
    const body = await sourceBody(c, sourceMergeBodySchema, '{"from": "source to merge away", "into": "source that stays"}');
    return c.json(await sourceChange(() => mergeSources(db, body.from, body.into)));
  });
}

const sourceBody = <S extends z.ZodType>(c: Context, schema: S, example: string) =>
  schemaBody(c, schema, `the body must be a JSON object: ${example} (see /openapi.json)`, (d) => `invalid request: ${d}; expected ${example}`);

async function sourceChange<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (err) {
    if (err instanceof UnknownSourceError) throw new ApiError(404, err.message);
    if (err instanceof SourceError) throw new ApiError(409, err.message);
    throw err;
  }
}
