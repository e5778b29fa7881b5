import { asc, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sources } from '../db/schema/index.ts';

/** A source name the store does not know: the message lists the ones it does. */
export class UnknownSourceError extends Error {
  override name = 'UnknownSourceError';
}

/**
 * Checks that every name is a stored source, so that a misspelt `--source`/`--sources` is an error
 * listing the known ones rather than an empty answer.
 */
export async function checkSourcesKnown(db: Db, names: readonly string[] | undefined): Promise<void> {
  if (!names?.length) return;
  const wanted = [...new Set(names)];
  const found = new Set((await db.select({ name: sources.name }).from(sources).where(inArray(sources.name, wanted))).map((r) => r.name));
  const missing = wanted.filter((n) => !found.has(n));
  if (missing.length === 0) return;
  const known = (await db.select({ name: sources.name }).from(sources).orderBy(asc(sources.name))).map((r) => r.name);
  const what = missing.length === 1 ? `unknown source "${missing[0]}"` : `unknown sources ${missing.map((m) => `"${m}"`).join(', ')}`;
  throw new UnknownSourceError(known.length ? `${what}; known sources: ${known.join(', ')}` : `${what}: the store has no documents yet (stance ingest)`);
}
