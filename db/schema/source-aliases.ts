import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sources } from './sources.ts';

/**
 * Another name of a source: ingest files a document given under an alias with the canonical
 * source, and queries accept the alias for the source. Made by `stance sources merge` and
 * `rename` and by a manifest's alias map. An alias is never also the name of a source
 * (app/sources.ts keeps it so).
 */
export const sourceAliases = pgTable(
  'source_aliases',
  {
    alias: text('alias').primaryKey(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('source_aliases_source_idx').on(t.sourceId)],
);
