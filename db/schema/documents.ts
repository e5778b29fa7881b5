import { index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { sources } from './sources.ts';

export const DOCUMENT_STATUSES = ['queued', 'processing', 'done', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** One ingested text, normalized; the content hash is its natural key, so re-ingest is a no-op. */
export const documents = pgTable(
  'documents',
  {
    id: serial('id').primaryKey(),
    sourceId: integer('source_id').notNull().references(() => sources.id),
    contentHash: text('content_hash').notNull().unique(),
    title: text('title'),
    actor: text('actor'),
    // This document's actor type; null: the source's (sources.actor_type) applies.
    actorType: text('actor_type'),
    // ISO date text (YYYY, YYYY-MM or YYYY-MM-DD): policy texts are often dated only by year.
    date: text('date'),
    url: text('url'),
    language: text('language'),
    kind: text('kind'),
    fileName: text('file_name'),
    format: text('format').notNull(),
    text: text('text').notNull(),
    byteLength: integer('byte_length').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status', { enum: DOCUMENT_STATUSES }).notNull().default('queued'),
    error: text('error'),
    // Incremented each time the document is re-queued: part of its queue job ids, so a new attempt
    // never meets a finished or failed job of an earlier one (re-queueing would be a silent no-op).
    queueAttempt: integer('queue_attempt').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // Set on every status change and metadata correction (`stance documents update`).
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('documents_source_idx').on(t.sourceId), index('documents_status_idx').on(t.status)],
);
