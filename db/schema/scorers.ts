import { integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { models } from './models.ts';

/**
 * A scorer version, keyed by a stable string that changes with anything that determines its
 * output (model, settings, lexicon, trained artifact). Kinds are listed in app/scorers/index.ts;
 * scorers without a pretrained model (lexicon, ...) have no model row.
 */
export const scorers = pgTable('scorers', {
  id: serial('id').primaryKey(),
  key: text('key').notNull().unique(),
  kind: text('kind').notNull(),
  modelId: integer('model_id').references(() => models.id),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
