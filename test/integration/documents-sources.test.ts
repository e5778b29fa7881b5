import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCompare, type QueryEnv } from '../../app/compare/service.ts';
import { NO_ACTOR_TYPE } from '../../app/compare/selection.ts';
import { deleteDocuments, listDocuments, updateDocument } from '../../app/documents.ts';
import { ingestDocuments } from '../../app/ingest.ts';
import { canonicalNames, listSources, mergeSources, recordAliases, renameSource, requireSource, SourceError } from '../../app/sources.ts';
import { queryRows, type Db } from '../../db/client.ts';
import { filledStore, openTestStore, STORE_KINDS, storeAvailable, type FilledStore, type TestStore } from '../helpers/backends.ts';
import { buildScoreFixture, FIXTURE_AXES, FIXTURE_MODELS, type FixtureChunk, type ScoreFixture } from '../helpers/score-fixture.ts';

const s = (score: number, relevance: number, label: string) => ({ score, relevance, label });
const chunk = (text: string, score: number, vector: number[]): FixtureChunk => ({
  text,
  scores: { gov: s(score, 0.9, score < 0 ? 'state' : 'multi'), sec: s(0, 0.2, 'irrelevant') },
  prototype: { gov: s(score / 2, 0.8, 'neutral') },
  vector,
});

/** Every (table, column) that can refer to a document or a chunk: foreign keys to them, and any column named document_id or chunk_id. */
async function referringColumns(db: Db): Promise<{ table: string; column: string; target: 'documents' | 'chunks' }[]> {
  const fks = await queryRows<{ table: string; column: string; target: string }>(
    db,
    sql`select kcu.table_name as "table", kcu.column_name as "column", ccu.table_name as target
        from information_schema.table_constraints tc
        join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
        join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
        where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public' and ccu.table_name in ('documents', 'chunks')`,
  );
  const named = await queryRows<{ table: string; column: string }>(
    db,
    sql`select table_name as "table", column_name as "column" from information_schema.columns
        where table_schema = 'public' and column_name in ('document_id', 'chunk_id')`,
  );
  const all = new Map<string, { table: string; column: string; target: 'documents' | 'chunks' }>();
  for (const f of fks) all.set(`${f.table}.${f.column}`, { table: f.table, column: f.column, target: f.target as 'documents' | 'chunks' });
  for (const n of named) all.set(`${n.table}.${n.column}`, { table: n.table, column: n.column, target: n.column === 'document_id' ? 'documents' : 'chunks' });
  // The documents table itself (its id) is checked separately.
  return [...all.values()].filter((c) => !(c.table === 'documents' && c.column === 'id'));
}

describe.each(STORE_KINDS)('documents and sources on %s', (kind) => {
  let store: TestStore;
  let db: Db;
  let fixture: ScoreFixture;
  let env: QueryEnv;

  // A store of its own for every test, as most of them change it (update, merge, rename, delete):
  // a copy of one filled per kind.
  let filled: FilledStore<ScoreFixture> | undefined;
  beforeAll(async () => {
    if (!storeAvailable(kind)) return;
    filled = await filledStore(kind, (fillDb) =>
      buildScoreFixture(fillDb, {
        axes: FIXTURE_AXES,
        documents: [
          { source: 'ITU', actorType: 'intergovernmental', title: 'Speech one', date: '2013', language: 'en', chunks: [chunk('States decide on the Internet.', -0.8, [1, 0, 0]), chunk('Governments lead on policy.', -0.6, [0.9, 0.1, 0])] },
          { source: 'ITU', actorType: 'intergovernmental', actor: 'Secretary-General', title: 'Speech two', date: '2015', language: 'fr', chunks: [chunk('All parties have a seat.', 0.4, [0, 1, 0])] },
          { source: 'NGO', actorType: 'civil society', title: 'Statement', date: '2020', language: 'en', chunks: [chunk('Civil society must be heard.', 0.7, [0, 0, 1]), chunk('Rights come first here.', 0.5, [0, 0.2, 1])] },
          { source: 'Old NGO name', title: 'Old statement', date: '2010', language: 'en', chunks: [chunk('An early civil society text.', 0.3, [0.1, 0.1, 1])] },
          { source: 'Failed', title: 'Broken', status: 'failed', error: 'something broke', chunks: [chunk('A text that failed.', 0, [1, 1, 1])] },
        ],
      }),
    );
  }, 120_000);
  afterAll(async () => filled?.remove());
  beforeEach(async () => {
    if (!filled) return;
    store = await filled.open();
    db = store.database.db;
    fixture = filled.value;
    env = { db, config: FIXTURE_MODELS, axes: FIXTURE_AXES };
  }, 120_000);
  afterEach(async () => store?.close());

  describe.skipIf(!storeAvailable(kind))('listing', () => {
    it('pages by id with the total count, and filters by source, status, date and language', async () => {
      const all = await listDocuments(db, {});
      expect(all.total).toBe(5);
      expect(all.documents.map((d) => d.id)).toEqual(fixture.documents.map((d) => d.id));
      const page2 = await listDocuments(db, { limit: 2, offset: 2 });
      expect(page2).toMatchObject({ total: 5, limit: 2, offset: 2 });
      expect(page2.documents.map((d) => d.id)).toEqual(fixture.documents.slice(2, 4).map((d) => d.id));
      expect((await listDocuments(db, { sources: ['ITU'] })).documents.map((d) => d.title)).toEqual(['Speech one', 'Speech two']);
      expect((await listDocuments(db, { status: 'failed' })).documents.map((d) => d.title)).toEqual(['Broken']);
      expect((await listDocuments(db, { dateFrom: '2014', language: 'en' })).documents.map((d) => d.title)).toEqual(['Statement']);
      const first = all.documents[0]!;
      expect(first).toMatchObject({ source: 'ITU', actor_type: 'intergovernmental', chunks: 2, status: 'done', error: null });
      expect(new Date(first.updated_at).toISOString()).toBe(first.updated_at);
    });

    it('refuses a bad status or page size', async () => {
      await expect(listDocuments(db, { status: 'lost' as never })).rejects.toThrow(/status/);
      await expect(listDocuments(db, { limit: 0 })).rejects.toThrow(/limit|>=1/);
    });
  });

  describe.skipIf(!storeAvailable(kind))('updating metadata', () => {
    it('changes only the given fields, sets updated_at, and keeps every chunk and score', async () => {
      const id = fixture.documents[0]!.id;
      const scores = async () => (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from stance_scores ss join chunks c on c.id = ss.chunk_id where c.document_id = ${id}`))[0]!.n;
      const before = (await listDocuments(db, { sources: ['ITU'] })).documents[0]!;
      const scoresBefore = await scores();
      expect(scoresBefore).toBe(2 * 3); // 2 chunks x (gov + sec by nli, gov by prototype)
      const r = await updateDocument(db, id, { title: 'Speech one, corrected', date: '2013-10-17', actor_type: 'state' });
      expect(r?.changed).toEqual(['title', 'date', 'actor_type']);
      expect(r?.document).toMatchObject({ title: 'Speech one, corrected', date: '2013-10-17', actor_type: 'state', language: 'en', url: null, chunks: 2 });
      expect(Date.parse(r!.document.updated_at)).toBeGreaterThanOrEqual(Date.parse(before.updated_at));
      expect(r!.document.updated_at).not.toBe(before.updated_at);
      expect(await scores()).toBe(scoresBefore);
      // null clears a field
      const cleared = await updateDocument(db, id, { date: null });
      expect(cleared?.document.date).toBeNull();
    });

    it('validates like ingest and refuses unknown fields or an empty change', async () => {
      const id = fixture.documents[1]!.id;
      await expect(updateDocument(db, id, { date: '2020-02-30' })).rejects.toThrow(/day 30 does not exist/);
      await expect(updateDocument(db, id, { url: 'javascript:alert(1)' })).rejects.toThrow(/http or https/);
      await expect(updateDocument(db, id, { title: 'x'.repeat(1001) })).rejects.toThrow(/limit is 1000/);
      await expect(updateDocument(db, id, { source: 'Other' } as never)).rejects.toThrow(/cannot be changed \(only `title`, `date`, `url`, `language`, `actor`, `actor_type` and `kind` can\)/);
      await expect(updateDocument(db, id, {})).rejects.toThrow(/nothing to change/);
      expect(await updateDocument(db, 999_999, { title: 'nobody' })).toBeUndefined();
    });
  });

  describe.skipIf(!storeAvailable(kind))('sources, aliases and actor types', () => {
    it('merges a source into another: documents move, the old name becomes an alias that ingest and queries resolve', async () => {
      const r = await mergeSources(db, 'Old NGO name', 'NGO');
      expect(r).toEqual({ from: 'Old NGO name', into: 'NGO', documents_moved: 1, aliases: ['Old NGO name'] });
      const ngo = (await listSources(db)).find((x) => x.name === 'NGO');
      expect(ngo).toEqual({ name: 'NGO', actor_type: 'civil society', documents: 2, aliases: ['Old NGO name'] });
      expect((await listSources(db)).map((x) => x.name)).not.toContain('Old NGO name');
      expect(await canonicalNames(db, ['Old NGO name', 'Unknown'])).toEqual(['NGO', 'Unknown']);
      const [out] = await ingestDocuments(db, [{ file: 'late.txt', content: 'A late text filed under the old name.', meta: { source: 'Old NGO name' } }], { maxDocBytes: 1e6 });
      expect(out).toMatchObject({ status: 'created', source: 'NGO', notes: ['source "Old NGO name" is an alias of "NGO": filed there'] });
      // The alias selects its source in queries.
      expect((await listDocuments(db, { sources: ['Old NGO name'] })).total).toBe(3);
      await expect(mergeSources(db, 'NGO', 'Old NGO name')).rejects.toThrow(/already the same source/);
      await expect(mergeSources(db, 'Nobody', 'NGO')).rejects.toThrow(SourceError);
      await expect(mergeSources(db, 'Nobody', 'NGO')).rejects.toThrow(/unknown source "Nobody"; known sources: .*ITU/);
    });

    it('on an empty store, says how documents get in: from the command line or over HTTP', async () => {
      const empty = await openTestStore(kind);
      try {
        await expect(requireSource(empty.database.db, 'ITU')).rejects.toThrow('unknown source "ITU": the store has no documents yet (add them with `stance ingest` or POST /documents)');
      } finally {
        await empty.close();
      }
    });

    it('renames a source, keeping the old name as an alias, and refuses a name that is taken', async () => {
      await mergeSources(db, 'Old NGO name', 'NGO');
      expect(await renameSource(db, 'Failed', 'Broken things')).toEqual({ from: 'Failed', to: 'Broken things', aliases: ['Failed'] });
      await expect(renameSource(db, 'Broken things', 'ITU')).rejects.toThrow(/"ITU" is already a source; merge them instead \(`stance sources merge "Broken things" "ITU"`, or POST \/sources\/merge\)/);
      await expect(renameSource(db, 'Broken things', 'Old NGO name')).rejects.toThrow(/already an alias of "NGO"/);
      // Back to the first name: it stops being an alias.
      expect(await renameSource(db, 'Broken things', 'Failed')).toEqual({ from: 'Broken things', to: 'Failed', aliases: ['Broken things'] });
    });

    it("stores a document's own actor type, says when it differs from the source's, and groups by it", async () => {
      const [out] = await ingestDocuments(db, [{ file: 'state.txt', content: 'A text of the ITU by a state delegate.', meta: { source: 'ITU', actorType: 'state' } }], { maxDocBytes: 1e6 });
      expect(out).toMatchObject({ status: 'created', source: 'ITU', notes: ['actor_type "state" differs from the source\'s "intergovernmental": kept for this document'] });
      expect((await listSources(db)).find((x) => x.name === 'ITU')?.actor_type).toBe('intergovernmental');
      const docs = (await listDocuments(db, { sources: ['ITU'] })).documents;
      expect(docs.at(-1)?.actor_type).toBe('state');
      expect(docs[1]?.actor_type).toBe('intergovernmental'); // none of its own: the source's
    });

    it('groups a comparison by source, actor, actor type or document from the same chunks', async () => {
      const compare = async (by: 'source' | 'actor' | 'actor_type' | 'document') => (await runCompare(env, { axis: 'gov', by, iterations: 200 }))[0]!;
      await updateDocument(db, fixture.documents[0]!.id, { actor_type: 'state' });
      await mergeSources(db, 'Old NGO name', 'NGO');
      // Document 1 is now "state", document 2 gave intergovernmental, the NGO texts take their source's (the merged one too), the failed one has none.
      const byType = await compare('actor_type');
      expect(byType.by).toBe('actor_type');
      expect(Object.fromEntries(byType.groups.map((g) => [g.key, g.n_chunks]))).toEqual({ 'civil society': 3, intergovernmental: 1, state: 2, [NO_ACTOR_TYPE]: 1 });
      const bySource = await compare('source');
      expect(Object.fromEntries(bySource.groups.map((g) => [g.key, g.n_chunks]))).toEqual({ Failed: 1, ITU: 3, NGO: 3 });
      const byActor = await compare('actor');
      expect(byActor.groups.map((g) => g.key)).toContain('Secretary-General');
      const byDoc = await compare('document');
      expect(byDoc.groups).toHaveLength(5);
      // Position of the state group = weighted mean of document 1's two chunks (relevance 0.9 each).
      expect(byType.groups.find((g) => g.key === 'state')?.position).toBeCloseTo((-0.8 - 0.6) / 2, 5);
    });

    it('records manifest aliases: renames or merges sources stored under them, leaves a conflicting alias alone', async () => {
      await mergeSources(db, 'Old NGO name', 'NGO');
      await ingestDocuments(db, [{ file: 'a.txt', content: 'Text of alpha under its long name.', meta: { source: 'Alpha, the long name' } }], { maxDocBytes: 1e6 });
      await ingestDocuments(db, [{ file: 'b.txt', content: 'Text of alpha under another name.', meta: { source: 'Alpha again' } }], { maxDocBytes: 1e6 });
      const out = await recordAliases(db, { 'Alpha, the long name': 'Alpha', 'Alpha again': 'Alpha', 'Old NGO name': 'Alpha', 'Never seen': 'Nobody yet' });
      expect(out).toEqual([
        { alias: 'Alpha, the long name', source: 'Alpha', action: 'renamed' },
        { alias: 'Alpha again', source: 'Alpha', action: 'merged', documents_moved: 1 },
        { alias: 'Old NGO name', source: 'Alpha', action: 'skipped', reason: expect.stringMatching(/already an alias of "NGO"/) },
        // A canonical name without documents becomes a source without documents: the alias is not lost.
        { alias: 'Never seen', source: 'Nobody yet', action: 'added', source_created: true },
      ]);
      expect((await listSources(db)).find((x) => x.name === 'Nobody yet')).toEqual({ name: 'Nobody yet', actor_type: null, documents: 0, aliases: ['Never seen'] });
      // An alias of another source, for a canonical name that names nothing: left alone, and said so.
      expect(await recordAliases(db, { 'Old NGO name': 'Nobody at all' })).toEqual([
        { alias: 'Old NGO name', source: 'Nobody at all', action: 'skipped', reason: expect.stringMatching(/already an alias of "NGO"/) },
      ]);
      expect((await listSources(db)).map((x) => x.name)).not.toContain('Nobody at all');
      expect((await listSources(db)).find((x) => x.name === 'Alpha')).toMatchObject({ documents: 2, aliases: ['Alpha again', 'Alpha, the long name'] });
      expect(await recordAliases(db, { 'Alpha again': 'Alpha' })).toEqual([{ alias: 'Alpha again', source: 'Alpha', action: 'unchanged' }]);
    });
  });

  describe.skipIf(!storeAvailable(kind))('deleting', () => {
    it('a dry run counts what would go and changes nothing', async () => {
      const doc = fixture.documents[2]!;
      const r = await deleteDocuments(db, [doc.id, 999_999], { dryRun: true });
      expect(r.not_found).toEqual([999_999]);
      expect(r.deleted).toEqual([{ id: doc.id, source: 'NGO', title: 'Statement', chunks: 2, embeddings: 2, stance_scores: 6, queue_attempt: 0 }]);
      expect((await listDocuments(db, {})).documents.map((d) => d.id)).toContain(doc.id);
    });

    it('removes the document, its chunks, embeddings and scores: no row of any table refers to it afterwards', async () => {
      const doc = fixture.documents[2]!;
      // The NGO keeps a document after the deletion: its source stays.
      await mergeSources(db, 'Old NGO name', 'NGO');
      const columns = await referringColumns(db);
      // The walk is generic; it must at least find the tables known today.
      expect(columns.map((c) => `${c.table}.${c.column}`)).toEqual(expect.arrayContaining(['chunks.document_id', 'embeddings.chunk_id', 'stance_scores.chunk_id']));
      const count = async (c: { table: string; column: string; target: string }) => {
        const ids = c.target === 'documents' ? [doc.id] : doc.chunkIds;
        const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.identifier(c.table)} where ${sql.identifier(c.column)} in ${ids}`);
        return row!.n;
      };
      const before = await Promise.all(columns.map(count));
      expect(before.some((n) => n > 0)).toBe(true);
      const others = (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from stance_scores`))[0]!.n;

      const r = await deleteDocuments(db, [doc.id], { dryRun: false });
      expect(r.deleted.map((d) => d.id)).toEqual([doc.id]);
      expect(await Promise.all(columns.map(count))).toEqual(columns.map(() => 0));
      expect(await queryRows(db, sql`select id from documents where id = ${doc.id}`)).toEqual([]);
      // Only its own scores went.
      expect((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from stance_scores`))[0]!.n).toBe(others - 6);
      expect((await listSources(db)).find((x) => x.name === 'NGO')?.documents).toBeGreaterThan(0);
      expect((await deleteDocuments(db, [doc.id], { dryRun: false })).not_found).toEqual([doc.id]);
    });
  });
});
