import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDocuments } from '../../app/ingest.ts';
import { openDatabase, queryRows, type Database } from '../../db/client.ts';
import { createTestDatabase, postgresAvailable } from '../helpers/services.ts';

const hasPostgres = await postgresAvailable();
const MAX = 5_000_000;
const WRITERS = 6;
const TEXTS = 40;

describe.skipIf(!hasPostgres)('concurrent ingests on Postgres', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  const writers: Database[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase();
    const first = await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused', migrations: 'ignore' });
    await first.migrate();
    writers.push(first);
    for (let i = 1; i < WRITERS; i++) writers.push(await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused' }));
  });
  afterAll(async () => {
    for (const w of writers) await w.close();
    await testDb?.drop();
  });

  it('stores each text once and leaves no source without a document', async () => {
    // Every writer offers the same texts, each under a source of its own: whoever loses the race
    // for a text must not keep the source it created for it.
    const texts = Array.from({ length: TEXTS }, (_, i) => `Text number ${i} about Internet governance and all stakeholders.`);
    const results = await Promise.all(
      writers.map((w, k) => ingestDocuments(w.db, texts.map((t, i) => ({ file: `w${k}-t${i}.txt`, content: t, meta: { source: `writer ${k} text ${i}` } })), { maxDocBytes: MAX })),
    );
    const statuses = results.flat().map((o) => o.status);
    expect(statuses.filter((s) => s === 'created')).toHaveLength(TEXTS);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(TEXTS * (WRITERS - 1));
    const db = writers[0]!.db;
    // Only this test's sources (named "writer ..."): the other test adds a document of its own to
    // the database, before or after this one depending on the order the tests run in.
    const [docs] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from documents d join sources s on s.id = d.source_id where s.name like 'writer %'`);
    const orphans = await queryRows<{ name: string }>(
      db,
      sql`select name from sources s where s.name like 'writer %' and not exists (select 1 from documents d where d.source_id = s.id)`,
    );
    expect(docs?.n).toBe(TEXTS);
    expect(orphans).toEqual([]);
  });

  it('refuses a source of several KB with the limit (it used to hit the btree row limit with SQL in the message) and goes on', async () => {
    // Random bytes do not compress, so this source is past Postgres' 2,704-byte index row limit.
    const long = randomBytes(3_000).toString('base64');
    const out = await ingestDocuments(
      writers[0]!.db,
      [
        { file: 'long.txt', content: 'A text under a source of four thousand letters.', meta: { source: long } },
        { file: 'after.txt', content: 'A text after the one with the long source.', meta: { source: 'After' } },
      ],
      { maxDocBytes: MAX },
    );
    expect(out.map((o) => (o.status === 'failed' ? `${o.problem}: ${o.message}` : o.status))).toEqual([
      'bad-metadata: source: source is 4000 characters long; the limit is 200; pass it with --source (or in the manifest)',
      'created',
    ]);
  });
});
