import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { calendarDateProblem } from '../../pipeline/document-meta.ts';

/**
 * What a comparison groups chunks by: the document's canonical source, its actor (the source's
 * name when it names none), its actor type (its own, else its source's) or the document itself.
 * Grouping is defined here once; compare, map, export and the API all read it.
 */
export const GROUP_BY = ['source', 'actor', 'actor_type', 'document'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** Largest row id: ids are Postgres integers, and a larger number fails in SQL instead of finding nothing. */
export const MAX_ID = 2_147_483_647;

/** What an id must be, in every message that refuses one (CLI, API, web pages). */
export const ID_RANGE = `a whole number from 1 to ${MAX_ID}`;

/** A row id from text ("12"; spaces around it are ignored), or undefined when it is not ID_RANGE. */
export function parseRowId(raw: string): number | undefined {
  const text = raw.trim();
  const id = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  return id >= 1 && id <= MAX_ID ? id : undefined;
}

/** A stored row's id (document, chunk): a whole number from 1 to MAX_ID. */
export const idSchema = z.number().int('ids are whole numbers').min(1, 'ids start at 1').max(MAX_ID, `ids go up to ${MAX_ID}`);

// A bound is checked as a date given at ingest is: one that is no calendar date (2020-02-30,
// 2020-99) matched nothing and answered "No documents match" instead of naming the mistake.
const dateBound = z.string().refine((d) => calendarDateProblem(d) === undefined, { error: (iss) => calendarDateProblem(iss.input as string) ?? 'not a date' });

/** Which documents a query looks at; every field is optional. */
export const filtersSchema = z.object({
  sources: z.array(z.string().min(1)).optional(),
  documents: z.array(idSchema).optional(),
  language: z.string().min(1).optional(),
  // Dates are ISO text of varying precision (2013, 2013-10, 2013-10-17); bounds compare as text.
  dateFrom: dateBound.optional(),
  dateTo: dateBound.optional(),
});
export type Filters = z.infer<typeof filtersSchema>;

/** SQL conditions on documents `d` and sources `src` for the filters (true when none). */
export function filterConditions(f: Filters): SQL {
  const parts: SQL[] = [sql`true`];
  // A source may be named by an alias (app/sources.ts).
  if (f.sources?.length) parts.push(sql`(src.name in ${f.sources} or src.id in (select sa.source_id from source_aliases sa where sa.alias in ${f.sources}))`);
  if (f.documents?.length) parts.push(sql`d.id in ${f.documents}`);
  if (f.language) parts.push(sql`d.language = ${f.language}`);
  // A date "2013" is inside [2013-06, ...]: compare on the bound's precision.
  if (f.dateFrom) parts.push(sql`d.date is not null and substring(d.date for ${f.dateFrom.length}) >= ${f.dateFrom}`);
  if (f.dateTo) parts.push(sql`d.date is not null and substring(d.date for ${f.dateTo.length}) <= ${f.dateTo}`);
  return sql.join(parts, sql` and `);
}

/** The group of documents whose source gives no actor type and who give none themselves. */
export const NO_ACTOR_TYPE = '(no actor type)';

/** The SQL expression that names a chunk's group. */
export function groupKey(by: GroupBy): SQL {
  if (by === 'document') return sql`(d.id::text || ': ' || coalesce(d.title, d.file_name, 'untitled'))`;
  if (by === 'actor') return sql`coalesce(d.actor, src.name)`;
  if (by === 'actor_type') return sql`coalesce(d.actor_type, src.actor_type, ${NO_ACTOR_TYPE})`;
  return sql`src.name`;
}
