import { jsonb, pgTable, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';

/** One version of an axis definition; the version is a hash of the definition. */
export const axes = pgTable(
  'axes',
  {
    id: serial('id').primaryKey(),
    slug: text('slug').notNull(),
    version: text('version').notNull(),
    poleA: text('pole_a').notNull(),
    poleB: text('pole_b').notNull(),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('axes_slug_version_uq').on(t.slug, t.version)],
);
