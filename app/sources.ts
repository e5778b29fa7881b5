import { eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import { documents, sourceAliases, sources } from '../db/schema/index.ts';
import { documentMetaSchema } from '../pipeline/document-meta.ts';

/**
 * Sources and their aliases. A source has one canonical name and any number of aliases; ingest
 * files a document given under an alias with the canonical source, and queries accept an alias
 * for its source. An alias is never also the name of a source: merge and rename keep it so.
 */

/** A name that is neither a source nor an alias, or a merge/rename that cannot be done. */
export class SourceError extends Error {
  override name = 'SourceError';
}

/** A name that denotes no source (nor an alias of one); the message lists the known ones. */
export class UnknownSourceError extends SourceError {
  override name = 'UnknownSourceError';
}

/**
 * Renames and merges check names and then change them; on Postgres two of them at once (or one
 * beside an ingest that files a document under a name being changed) could both pass the checks
 * and then fail on a constraint, or fail a merge on a document filed meanwhile under the source it
 * deletes. So every transaction that changes which names denote which source holds this
 * transaction-level advisory lock exclusively, and ingest holds it shared while it finds or
 * creates a document's source: ingests run side by side, a rename or merge waits for the ingests
 * in flight and then runs alone. (PGlite has one connection: the lock is always free there.)
 */
const SOURCE_NAMES_LOCK = 7_411_002_001;

/** Takes the source-names lock for the rest of the transaction `tx` (see SOURCE_NAMES_LOCK). */
export async function lockSourceNames(tx: Db, mode: 'exclusive' | 'shared'): Promise<void> {
  await tx.execute(mode === 'exclusive' ? sql`select pg_advisory_xact_lock(${SOURCE_NAMES_LOCK})` : sql`select pg_advisory_xact_lock_shared(${SOURCE_NAMES_LOCK})`);
}

export interface SourceListing {
  name: string;
  actor_type: string | null;
  documents: number;
  aliases: string[];
}

/** Every source with its document count, aliases and default actor type, by name. */
export async function listSources(db: Db): Promise<SourceListing[]> {
  const rows = await queryRows<SourceListing>(
    db,
    sql`select s.name, s.actor_type,
          (select count(*)::int from documents d where d.source_id = s.id) as documents,
          coalesce((select array_agg(a.alias order by a.alias) from source_aliases a where a.source_id = s.id), '{}') as aliases
        from sources s order by s.name`,
  );
  return rows.map((r) => ({ ...r, aliases: [...r.aliases] }));
}

/** The source a name denotes, by its name or an alias; undefined when it denotes none. */
export async function findSource(db: Db, name: string): Promise<{ id: number; name: string; actorType: string | null } | undefined> {
  const [own] = await db.select({ id: sources.id, name: sources.name, actorType: sources.actorType }).from(sources).where(eq(sources.name, name));
  if (own) return own;
  const [aliased] = await db
    .select({ id: sources.id, name: sources.name, actorType: sources.actorType })
    .from(sourceAliases)
    .innerJoin(sources, eq(sources.id, sourceAliases.sourceId))
    .where(eq(sourceAliases.alias, name));
  return aliased;
}

/** The source a name denotes, or a SourceError listing the known sources. */
export async function requireSource(db: Db, name: string): Promise<{ id: number; name: string; actorType: string | null }> {
  const found = await findSource(db, name);
  if (found) return found;
  throw await unknownSources(db, [name]);
}

/**
 * Checks that every name is a source or an alias of one, so that a misspelt `--source`/`--sources`
 * is an error listing the known sources rather than an empty answer.
 */
export async function checkSourcesKnown(db: Db, names: readonly string[] | undefined): Promise<void> {
  if (!names?.length) return;
  const missing: string[] = [];
  for (const name of new Set(names)) if (!(await findSource(db, name))) missing.push(name);
  if (missing.length) throw await unknownSources(db, missing);
}

/** The one message for names that denote no source: what is unknown, and what is known. */
async function unknownSources(db: Db, missing: string[]): Promise<UnknownSourceError> {
  const known = (await db.select({ name: sources.name }).from(sources).orderBy(sources.name)).map((r) => r.name);
  const what = missing.length === 1 ? `unknown source "${missing[0]}"` : `unknown sources ${missing.map((m) => `"${m}"`).join(', ')}`;
  return new UnknownSourceError(known.length ? `${what}; known sources: ${known.join(', ')}` : `${what}: the store has no documents yet (add them with \`stance ingest\` or POST /documents)`);
}

export interface RenameResult {
  from: string;
  to: string;
  aliases: string[];
}

export interface MergeResult {
  from: string;
  into: string;
  documents_moved: number;
  aliases: string[];
}

/**
 * Merges source `from` into `into` in one transaction: its documents move, its aliases move, and
 * its name becomes an alias of `into` (a later ingest under that name lands in `into`).
 */
export async function mergeSources(db: Db, from: string, into: string): Promise<MergeResult> {
  return db.transaction(async (tx) => {
    await lockSourceNames(tx, 'exclusive');
    const a = await requireSource(tx, from);
    const b = await requireSource(tx, into);
    if (a.id === b.id) throw new SourceError(`"${from}" and "${into}" are already the same source ("${b.name}")`);
    const moved = await tx.update(documents).set({ sourceId: b.id }).where(eq(documents.sourceId, a.id)).returning({ id: documents.id });
    await tx.update(sourceAliases).set({ sourceId: b.id }).where(eq(sourceAliases.sourceId, a.id));
    // The default actor type of the merged source stays b's; a's documents keep theirs when it differs.
    if (a.actorType !== null && a.actorType !== b.actorType && moved.length) {
      await tx.execute(sql`update documents set actor_type = ${a.actorType} where id in ${moved.map((m) => m.id)} and actor_type is null`);
    }
    await tx.delete(sources).where(eq(sources.id, a.id));
    await tx.insert(sourceAliases).values({ alias: a.name, sourceId: b.id });
    const aliases = (await tx.select({ alias: sourceAliases.alias }).from(sourceAliases).where(eq(sourceAliases.sourceId, b.id)).orderBy(sourceAliases.alias)).map((r) => r.alias);
    return { from: a.name, into: b.name, documents_moved: moved.length, aliases };
  });
}

/** Renames a source; the old name becomes an alias, so manifests that use it still land here. */
export async function renameSource(db: Db, oldName: string, newName: string): Promise<RenameResult> {
  // The same rules as a source given at ingest (length, control characters).
  newName = documentMetaSchema.shape.source.parse(newName);
  return db.transaction(async (tx) => {
    await lockSourceNames(tx, 'exclusive');
    const src = await requireSource(tx, oldName);
    const taken = await findSource(tx, newName);
    if (taken && taken.id !== src.id) throw new SourceError(`"${newName}" is already ${taken.name === newName ? 'a source' : `an alias of "${taken.name}"`}; merge them instead (\`stance sources merge "${src.name}" "${taken.name}"\`, or POST /sources/merge)`);
    if (src.name === newName) throw new SourceError(`the source is already named "${newName}"`);
    // The new name may have been an alias of this very source: it is the name now.
    await tx.delete(sourceAliases).where(eq(sourceAliases.alias, newName));
    await tx.update(sources).set({ name: newName }).where(eq(sources.id, src.id));
    await tx.insert(sourceAliases).values({ alias: src.name, sourceId: src.id });
    const aliases = (await tx.select({ alias: sourceAliases.alias }).from(sourceAliases).where(eq(sourceAliases.sourceId, src.id)).orderBy(sourceAliases.alias)).map((r) => r.alias);
    return { from: src.name, to: newName, aliases };
  });
}

/** What recording one alias of a manifest did. */
export type AliasOutcome =
  | { alias: string; source: string; action: 'unchanged' }
  /** source_created: the canonical source did not exist and was made for the alias (no documents yet). */
  | { alias: string; source: string; action: 'added'; source_created?: true }
  | { alias: string; source: string; action: 'merged'; documents_moved: number }
  | { alias: string; source: string; action: 'renamed' }
  | { alias: string; source: string; action: 'skipped'; reason: string };

/**
 * Records a manifest's aliases (alias -> canonical name). A source still stored under an alias
 * (ingested before the alias was declared) is merged into the canonical one, or, when there is no
 * canonical one yet, renamed to it; an alias that already names another source is left alone and
 * reported. A canonical name that names nothing yet (its documents were all duplicates, or failed)
 * is made a source without documents, so that the alias is stored all the same: otherwise a later
 * ingest under the alias would start a separate source, the very thing the map was written against.
 */
export async function recordAliases(db: Db, aliases: Record<string, string>): Promise<AliasOutcome[]> {
  const out: AliasOutcome[] = [];
  // One transaction per alias, under the source-names lock: what is read below is still true when it is acted on.
  for (const [alias, canonical] of Object.entries(aliases)) {
    out.push(
      await db.transaction(async (tx) => {
        await lockSourceNames(tx, 'exclusive');
        return recordAlias(tx, alias, canonical);
      }),
    );
  }
  return out;
}

/** One alias of recordAliases. */
async function recordAlias(tx: Db, alias: string, canonical: string): Promise<AliasOutcome> {
  let target = await findSource(tx, canonical);
  const current = await findSource(tx, alias);
  if (!target && current?.name === alias) {
    await renameSource(tx, alias, canonical);
    return { alias, source: canonical, action: 'renamed' };
  }
  if (!target && current) return { alias, source: canonical, action: 'skipped', reason: `"${alias}" is already an alias of "${current.name}"; \`stance sources rename "${current.name}" "${canonical}"\` makes that source "${canonical}"` };
  if (!target) {
    // Its default actor type stays unset: the first document filed under it gives one (app/ingest.ts).
    await tx.insert(sources).values({ name: canonical }).onConflictDoNothing();
    target = await requireSource(tx, canonical);
    await tx.insert(sourceAliases).values({ alias, sourceId: target.id }).onConflictDoNothing();
    return { alias, source: target.name, action: 'added', source_created: true };
  }
  if (current?.id === target.id) return { alias, source: target.name, action: 'unchanged' };
  if (current && current.name === alias) {
    const merged = await mergeSources(tx, alias, target.name);
    return { alias, source: target.name, action: 'merged', documents_moved: merged.documents_moved };
  }
  if (current) return { alias, source: target.name, action: 'skipped', reason: `"${alias}" is already an alias of "${current.name}"; \`stance sources merge\` moves it` };
  await tx.insert(sourceAliases).values({ alias, sourceId: target.id }).onConflictDoNothing();
  return { alias, source: target.name, action: 'added' };
}

/** The canonical names of the given names (a source's own name, or the source an alias names); unknown names are kept. */
export async function canonicalNames(db: Db, names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const rows = await db
    .select({ alias: sourceAliases.alias, name: sources.name })
    .from(sourceAliases)
    .innerJoin(sources, eq(sources.id, sourceAliases.sourceId))
    .where(inArray(sourceAliases.alias, names));
  const map = new Map(rows.map((r) => [r.alias, r.name]));
  return [...new Set(names.map((n) => map.get(n) ?? n))];
}
