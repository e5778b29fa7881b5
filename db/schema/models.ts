import { integer, pgTable, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';

/** A model as loaded (id + dtype), so every stored result names what produced it. */
export const models = pgTable(
  'models',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    dtype: text('dtype').notNull(),
    task: text('task', { enum: ['embedding', 'nli'] }).notNull(),
    // A hash of the model's config.json: tells two different models published under one name apart.
    version: text('version').notNull(),
    dimension: integer('dimension'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('models_name_dtype_version_uq').on(t.name, t.dtype, t.version)],
);
