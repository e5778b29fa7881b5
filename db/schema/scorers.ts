import { integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { models } from './models.ts';

/** A scorer version: kind + model + template + thresholds, keyed by a stable string. */
export const scorers = pgTable('scorers', {
  id: serial('id').primaryKey(),
  key: text('key').notNull().unique(),
  kind: text('kind', { enum: ['nli', 'prototype'] }).notNull(),
  modelId: integer('model_id')
    .notNull()
    .references(() => models.id),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
