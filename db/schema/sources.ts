import { pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

/** A speaker or publisher whose stance is compared (the ITU, a forum of states, an NGO...). */
export const sources = pgTable('sources', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  // The default actor type of its documents (a document may give its own: documents.actor_type).
  actorType: text('actor_type'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
