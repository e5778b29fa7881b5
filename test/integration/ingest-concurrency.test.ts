import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDocuments } from '../../app/ingest.ts';
import { mergeSources, renameSource, SourceError } from '../../app/sources.ts';
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
      'bad-metadata: source is 4000 characters long; the limit is 200',
      'created',
    ]);
  });
});

// Renames and merges check names, then change them: on Postgres, with several connections, what
// they read must still hold when they write (app/sources.ts, SOURCE_NAMES_LOCK).
describe.skipIf(!hasPostgres)('renames and merges beside each other and beside ingests on Postgres', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  const writers: Database[] = [];
  const ingest = (w: Database, items: { name: string; source: string }[]) =>
    ingestDocuments(w.db, items.map((it) => ({ file: `${it.name}.txt`, content: `The text of ${it.name}, on who governs the Internet.`, meta: { source: it.source } })), { maxDocBytes: MAX });
  const sourceCounts = async (like: string) =>
    Object.fromEntries(
      (await queryRows<{ name: string; n: number }>(writers[0]!.db, sql`select s.name, count(d.id)::int as n from sources s left join documents d on d.source_id = s.id where s.name like ${like} group by s.name`)).map((r) => [r.name, r.n]),
    );

  beforeAll(async () => {
    testDb = await createTestDatabase();
    const first = await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused', migrations: 'ignore' });
    await first.migrate();
    writers.push(first);
    for (let i = 1; i < 4; i++) writers.push(await openDatabase({ databaseUrl: testDb.url, dataDir: '/unused' }));
  });
  afterAll(async () => {
    for (const w of writers) await w.close();
    await testDb?.drop();
  });

  it('two renames to one new name at once: one is done, the other is refused as taken, never a constraint error', async () => {
    for (let round = 0; round < 6; round++) {
      await ingest(writers[0]!, [
        { name: `rename-${round}-a`, source: `Rename ${round} A` },
        { name: `rename-${round}-b`, source: `Rename ${round} B` },
      ]);
      const outcomes = await Promise.allSettled([
        renameSource(writers[1]!.db, `Rename ${round} A`, `Rename ${round} new`),
        renameSource(writers[2]!.db, `Rename ${round} B`, `Rename ${round} new`),
      ]);
      const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as Error);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toBeInstanceOf(SourceError);
      expect(refused[0]?.message).toContain(`"Rename ${round} new" is already a source; merge them instead`);
      // One of the two kept its name, the other has the new one; both keep their document.
      const counts = await sourceCounts(`Rename ${round} %`);
      expect(Object.keys(counts)).toHaveLength(2);
      expect(counts[`Rename ${round} new`]).toBe(1);
      expect(Object.values(counts)).toEqual([1, 1]);
    }
  });

  it('a merge beside ingests filing documents under the merged source: every document lands in the target, none fails', async () => {
    await ingest(writers[0]!, [
      { name: 'merge-seed-from', source: 'Merge from' },
      { name: 'merge-seed-into', source: 'Merge into' },
    ]);
    const batches = [1, 2, 3].map((w) => ingest(writers[w]!, Array.from({ length: 15 }, (_, i) => ({ name: `merge-w${w}-${i}`, source: 'Merge from' }))));
    // Let the ingests start, so the merge falls among them.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const merged = await mergeSources(writers[0]!.db, 'Merge from', 'Merge into');
    const outcomes = (await Promise.all(batches)).flat();
    expect(outcomes.map((o) => o.status)).toEqual(Array(45).fill('created'));
    expect(merged.documents_moved).toBeGreaterThanOrEqual(1);
    // Documents filed before the merge were moved by it; those filed after it went to the target by the alias.
    expect(await sourceCounts('Merge %')).toEqual({ 'Merge into': 47 });
  });
});
