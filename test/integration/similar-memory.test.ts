// `similar` through the in-memory scan of `stance serve` answers exactly what the SQL scan
// answers (ids, order, similarities, stances), on PGlite and on Postgres, also after embeddings
// are added and documents deleted while the index is loaded.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryNearest } from '../../app/compare/nearest.ts';
import { runSimilar, type QueryEnv } from '../../app/compare/service.ts';
import { openDatabase, queryRows, type Database } from '../../db/client.ts';
import { documents } from '../../db/schema/index.ts';
import { createRng } from '../../pipeline/stats/random.ts';
import { openTempPglite } from '../helpers/db.ts';
import { buildScoreFixture, FIXTURE_AXES, FIXTURE_MODELS, type FixtureDocument } from '../helpers/score-fixture.ts';
import { createTestDatabase, postgresAvailable } from '../helpers/services.ts';

const DIM = 16;
const hasPostgres = await postgresAvailable();

// Random vectors, with some repeated so that similarities tie and the order by chunk id matters.
function fixtureDocuments(seed: number, sources: string[], perSource: number): FixtureDocument[] {
  const rng = createRng(seed);
  const pool = Array.from({ length: 12 }, () => Array.from({ length: DIM }, () => rng.next() * 2 - 1));
  return sources.map((source, s) => ({
    source,
    title: `Statement of ${source}`,
    chunks: Array.from({ length: perSource }, (_, i) => ({
      text: `Passage ${i + 1} of ${source} (set ${seed}) on who should govern the Internet.`,
      vector: i % 5 === 0 ? (pool[(i + s) % pool.length] as number[]) : Array.from({ length: DIM }, () => rng.next() * 2 - 1),
      scores: { gov: { score: rng.next() * 2 - 1, relevance: rng.next(), label: 'neutral' } },
    })),
  }));
}

type Open = () => Promise<{ database: Database; cleanup: () => Promise<void> }>;

/** A store holding the 75 chunks of sources A, B and C, with a SQL and an in-memory query environment on it. */
async function seededStore(open: Open) {
  const { database, cleanup } = await open();
  const fixture = await buildScoreFixture(database.db, { axes: FIXTURE_AXES, documents: fixtureDocuments(1, ['A', 'B', 'C'], 25), dimension: DIM });
  const sqlEnv: QueryEnv = { db: database.db, config: FIXTURE_MODELS, axes: FIXTURE_AXES };
  // Checks count and id sum on every query, so the test sees deletions at once.
  const memEnv: QueryEnv = { ...sqlEnv, nearest: memoryNearest({ checkEveryMs: 0 }) };
  return { database, cleanup, chunkIds: fixture.chunkIds, sqlEnv, memEnv };
}

async function same(store: Awaited<ReturnType<typeof seededStore>>, params: Parameters<typeof runSimilar>[1]) {
  const viaSql = await runSimilar(store.sqlEnv, params);
  const viaMemory = await runSimilar(store.memEnv, params);
  expect(viaSql.passages.length).toBeGreaterThan(0);
  expect(viaMemory).toEqual(viaSql);
  return viaSql;
}

function checks(open: Open) {
  // Read by the tests that only query; the test that adds and deletes has a store of its own,
  // so the others find every chunk of A whichever order they run in.
  let shared: Awaited<ReturnType<typeof seededStore>>;
  let sqlEnv: QueryEnv;
  let memEnv: QueryEnv;
  let chunkIds: number[];

  beforeAll(async () => {
    shared = await seededStore(open);
    ({ sqlEnv, memEnv, chunkIds } = shared);
  }, 120_000);
  afterAll(async () => shared?.cleanup());

  it('answers chunk and text queries exactly as SQL, other sources only when asked', async () => {
    for (const chunk of [chunkIds[0]!, chunkIds[5]!, chunkIds[37]!, chunkIds.at(-1)!]) {
      await same(shared, { chunk, limit: 10 });
      const other = await same(shared, { chunk, otherSources: true, limit: 7 });
      expect(new Set(other.passages.map((p) => p.source)).size).toBeGreaterThan(0);
    }
    const rng = createRng(99);
    const vector = Float32Array.from({ length: DIM }, () => rng.next() * 2 - 1);
    const norm = Math.hypot(...vector);
    const textEnvSql = { ...sqlEnv, embedText: async () => vector.map((x) => x / norm) };
    const textEnvMem = { ...memEnv, embedText: async () => vector.map((x) => x / norm) };
    const a = await runSimilar(textEnvSql, { text: 'anything', limit: 50 });
    expect(a.passages).toHaveLength(50);
    expect(await runSimilar(textEnvMem, { text: 'anything', limit: 50 })).toEqual(a);
  });

  it('keeps ties in chunk id order, like SQL', async () => {
    // Chunk 0 of A shares its vector with other chunks (every fifth chunk draws from a small pool).
    const r = await same(shared, { chunk: chunkIds[0]!, limit: 75 });
    const sims = r.passages.map((p) => p.similarity);
    expect(new Set(sims).size).toBeLessThan(sims.length);
  });

  it('sees embeddings added and documents deleted after it was loaded', async () => {
    const own = await seededStore(open);
    try {
      await same(own, { chunk: own.chunkIds[1]!, limit: 10 });
      const more = await buildScoreFixture(own.database.db, { axes: FIXTURE_AXES, documents: fixtureDocuments(2, ['D'], 10), dimension: DIM });
      const afterAdd = await same(own, { chunk: own.chunkIds[1]!, limit: 100 });
      expect(afterAdd.passages.some((p) => more.chunkIds.includes(p.chunk_id))).toBe(true);
      const [first] = await queryRows<{ document_id: number }>(own.database.db, sql`select document_id from chunks where id = ${own.chunkIds[2]!}`);
      await own.database.db.delete(documents).where(eq(documents.id, first!.document_id));
      const afterDelete = await same(own, { chunk: own.chunkIds.at(-1)!, limit: 100 });
      expect(afterDelete.passages.some((p) => p.source === 'A')).toBe(false);
    } finally {
      await own.cleanup();
    }
  }, 120_000);
}

describe('similar in memory vs SQL on PGlite', () => {
  checks(openTempPglite);
});

describe.skipIf(!hasPostgres)('similar in memory vs SQL on Postgres', () => {
  checks(async () => {
    const created = await createTestDatabase();
    const database = await openDatabase({ databaseUrl: created.url, dataDir: '.', migrations: 'apply' });
    return {
      database,
      cleanup: async () => {
        await database.close();
        await created.drop();
      },
    };
  });
});
