import { integer, pgTable, primaryKey, real } from 'drizzle-orm/pg-core';
import { chunks } from './chunks.ts';
import { models } from './models.ts';

/** A chunk's L2-normalized embedding; real[] keeps it portable (no pgvector on every server). */
export const embeddings = pgTable(
  'embeddings',
  {
    chunkId: integer('chunk_id')
      .notNull()
      .references(() => chunks.id, { onDelete: 'cascade' }),
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id),
    dimension: integer('dimension').notNull(),
    vector: real('vector').array().notNull(),
  },
  (t) => [primaryKey({ name: 'embeddings_pk', columns: [t.chunkId, t.modelId] })],
);
