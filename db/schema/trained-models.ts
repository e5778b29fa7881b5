import { index, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Models made by `stance train` (kind `trained`: one classifier per axis) and `stance train
 * --ensemble` (kind `ensemble`: stacking weights over member scorers). The artifact is the whole
 * model (feature spec, vocabulary, weights, training-set hash, cross-validation metrics); its
 * version is a hash of that content, so retraining on the same data adds nothing and a new
 * training run adds a new version under the same name. The latest version of a name is its
 * current model.
 */
export const trainedModels = pgTable(
  'trained_models',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['trained', 'ensemble'] }).notNull(),
    version: text('version').notNull(),
    artifact: jsonb('artifact').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('trained_models_name_version_idx').on(t.name, t.version), index('trained_models_name_idx').on(t.name)],
);
