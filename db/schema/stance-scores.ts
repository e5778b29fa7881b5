import { index, integer, jsonb, pgTable, primaryKey, real, text } from 'drizzle-orm/pg-core';
import { axes } from './axes.ts';
import { chunks } from './chunks.ts';
import { scorers } from './scorers.ts';

/** A chunk's stance on one axis version by one scorer version. */
export const stanceScores = pgTable(
  'stance_scores',
  {
    chunkId: integer('chunk_id')
      .notNull()
      .references(() => chunks.id, { onDelete: 'cascade' }),
    axisId: integer('axis_id')
      .notNull()
      .references(() => axes.id),
    scorerId: integer('scorer_id')
      .notNull()
      .references(() => scorers.id),
    // -1 = pole A, +1 = pole B.
    score: real('score').notNull(),
    relevance: real('relevance').notNull(),
    probA: real('prob_a').notNull(),
    probB: real('prob_b').notNull(),
    label: text('label').notNull(),
    // Why the scorer gave this result, when it can say (the lexicon scorer: its matched terms).
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [
    primaryKey({ name: 'stance_scores_pk', columns: [t.chunkId, t.axisId, t.scorerId] }),
    // Covers compare (app/compare/positions.ts): its filter (axis, scorer) and every column it reads
    // (chunk, score, relevance, label), so Postgres answers from the index alone (an index-only
    // scan). It replaces the (axis_id, scorer_id) index, which is its prefix.
    index('stance_scores_axis_scorer_cover_idx').on(t.axisId, t.scorerId, t.chunkId, t.score, t.relevance, t.label),
  ],
);
