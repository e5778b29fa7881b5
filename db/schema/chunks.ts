import { index, integer, pgTable, serial, text, unique } from 'drizzle-orm/pg-core';
import { documents } from './documents.ts';

/** A passage of a document; start/end are character offsets into documents.text, for exact quotes. */
export const chunks = pgTable(
  'chunks',
  {
    id: serial('id').primaryKey(),
    documentId: integer('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    start: integer('start').notNull(),
    end: integer('end').notNull(),
    text: text('text').notNull(),
    tokenCount: integer('token_count').notNull(),
  },
  (t) => [unique('chunks_document_ordinal_uq').on(t.documentId, t.ordinal), index('chunks_document_idx').on(t.documentId)],
);
