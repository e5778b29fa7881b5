import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema (one file per table) and committed; the same SQL
// runs on embedded PGlite and on Postgres 15.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  strict: true,
});
