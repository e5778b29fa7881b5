import { jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { RecordedModels } from './eval-runs.ts';

/** Fitted label settings of one axis: thresholds and the NLI softmax temperature (1 = none). */
export interface ProfileAxisSettings {
  relevance: number;
  margin: number;
  temperature: number;
}

/**
 * A named threshold profile fitted by `stance eval calibrate` on the dev split of a gold set:
 * per axis slug the label thresholds and temperature, with the axis versions, models and scorer
 * they were fitted for (a profile fitted on other versions is a guess for the current ones).
 */
export const thresholdProfiles = pgTable('threshold_profiles', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  scorer: text('scorer', { enum: ['nli', 'prototype'] }).notNull(),
  axes: jsonb('axes').$type<Record<string, ProfileAxisSettings>>().notNull(),
  axisVersions: jsonb('axis_versions').$type<Record<string, string>>().notNull(),
  models: jsonb('models').$type<RecordedModels>().notNull(),
  setHash: text('set_hash').notNull(),
  setFile: text('set_file').notNull(),
  /** What the fit saw and achieved on the dev split (item count, objective before and after). */
  fit: jsonb('fit').$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
