import { index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

/** A model as an eval run or a threshold profile records it. */
export interface RecordedModel {
  name: string;
  dtype: string;
  version: string;
}

/** The two models in use when a run was made (both are recorded, whichever scorer ran). */
export interface RecordedModels {
  embed: RecordedModel;
  nli: RecordedModel;
}

/** The label settings a run scored with, per axis slug (after any threshold profile). */
export interface RecordedScoringSettings {
  thresholds: Record<string, { relevance: number; margin: number }>;
  temperatures: Record<string, number>;
  /** The scorer's version key when it is known without models (the lexicon scorer's). */
  scorer_key?: string;
  /** Set when the scorer was fitted on items of the evaluated split (eval/in-sample.ts): the note the report printed. */
  in_sample?: string;
}

/**
 * One `stance eval` run of one scorer over one split of a gold set: what was evaluated (set
 * hash, split, scorer, models, axis versions, profile and the thresholds it gave) and the
 * report (per axis metrics and baselines), so `stance eval history` can show how numbers moved.
 * Profiles are recorded by name and by the settings they gave, not by foreign key: a profile
 * may later be replaced, and the run must still say what it scored with.
 */
export const evalRuns = pgTable(
  'eval_runs',
  {
    id: serial('id').primaryKey(),
    setHash: text('set_hash').notNull(),
    setFile: text('set_file').notNull(),
    split: text('split', { enum: ['dev', 'test', 'all'] }).notNull(),
    // A scorer name of app/scorers ("nli", "lexicon", "trained:dev").
    scorer: text('scorer').notNull(),
    models: jsonb('models').$type<RecordedModels>().notNull(),
    axisVersions: jsonb('axis_versions').$type<Record<string, string>>().notNull(),
    profile: text('profile'),
    settings: jsonb('settings').$type<RecordedScoringSettings>().notNull(),
    nItems: integer('n_items').notNull(),
    metrics: jsonb('metrics').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('eval_runs_created_at_idx').on(t.createdAt)],
);
