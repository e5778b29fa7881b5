import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteDocuments } from '../../app/documents.ts';
import { queryRows, type Db } from '../../db/client.ts';
import { createApp } from '../../server/app.ts';
import { openApiDocument } from '../../server/openapi.ts';
import {
  comparisonSchema,
  createdResponseSchema,
  documentDeleteResponseSchema,
  documentListResponseSchema,
  documentResponseSchema,
  documentUpdateResponseSchema,
  errorResponseSchema,
  sourceMergeResponseSchema,
  sourceRenameResponseSchema,
  sourcesResponseSchema,
} from '../../server/schemas.ts';
import { filledStore, STORE_KINDS, storeAvailable, type FilledStore, type TestStore } from '../helpers/backends.ts';
import { buildScoreFixture, FIXTURE_AXES, type ScoreFixture } from '../helpers/score-fixture.ts';

const TOKEN = 'docs-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const s = (score: number, relevance: number, label: string) => ({ score, relevance, label });

describe.each(STORE_KINDS)('document and source routes on %s', (kind) => {
  let store: TestStore;
  let db: Db;
  let fixture: ScoreFixture;
  let app: ReturnType<typeof createApp>;
  let removed: { id: number; queue_attempt: number }[][] = [];

  // A store of its own for every test, as several of them post, correct, alias or delete: a copy
  // of one filled per kind.
  let filled: FilledStore<ScoreFixture> | undefined;
  beforeAll(async () => {
    if (!storeAvailable(kind)) return;
    filled = await filledStore(kind, (fillDb) =>
      buildScoreFixture(fillDb, {
        axes: FIXTURE_AXES,
        documents: [
          { source: 'ITU', actorType: 'intergovernmental', title: 'One', date: '2013', chunks: [{ text: 'States lead the way here.', scores: { gov: s(-0.5, 0.9, 'state') }, vector: [1, 0, 0] }] },
          { source: 'ITU', actorType: 'state', title: 'Two', date: '2018', chunks: [{ text: 'All stakeholders decide together.', scores: { gov: s(0.6, 0.8, 'multi') }, vector: [0, 1, 0] }] },
          { source: 'NGO', actorType: 'civil society', title: 'Three', status: 'failed', error: 'broke at postgres://user:secret@db/x', chunks: [{ text: 'Rights matter most of all.', scores: { gov: s(0.4, 0.7, 'multi') }, vector: [0, 0, 1] }] },
        ],
      }),
    );
  }, 120_000);
  afterAll(async () => filled?.remove());
  beforeEach(async () => {
    if (!filled) return;
    removed = [];
    store = await filled.open();
    db = store.database.db;
    fixture = filled.value;
    app = createApp({
      env: { db, config: fixture.models, axes: FIXTURE_AXES },
      config: { apiToken: TOKEN, maxDocBytes: 10_000 },
      removeJobs: (docs) => {
        removed.push(docs);
        return Promise.resolve(docs.map((d) => ({ document_id: d.id, removed: [`doc-x-${d.id}-0`], active: [] })));
      },
    });
  }, 120_000);
  afterEach(async () => store?.close());

  const call = async (method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await app.request(path, {
      method,
      headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  describe.skipIf(!storeAvailable(kind))('GET /documents and /sources', () => {
    it('pages and filters, with the total count, in the documented shape', async () => {
      const all = documentListResponseSchema.parse((await call('GET', '/documents')).body);
      expect(all.total).toBe(3);
      expect(all.documents.map((d) => d.title)).toEqual(['One', 'Two', 'Three']);
      expect(all.documents.map((d) => d.actor_type)).toEqual(['intergovernmental', 'state', 'civil society']);
      // Stored errors are served without a token: no connection string.
      expect(all.documents[2]?.error).not.toContain('secret');
      const page = documentListResponseSchema.parse((await call('GET', '/documents?source=ITU&limit=1&offset=1')).body);
      expect(page).toMatchObject({ total: 2, limit: 1, offset: 1 });
      expect(page.documents.map((d) => d.title)).toEqual(['Two']);
      expect(documentListResponseSchema.parse((await call('GET', '/documents?status=failed')).body).documents.map((d) => d.title)).toEqual(['Three']);
      expect(documentListResponseSchema.parse((await call('GET', '/documents?from=2015')).body).documents.map((d) => d.title)).toEqual(['Two']);
    });

    it('answers 400 for a document id out of range, with the range (as the CLI says it)', async () => {
      for (const raw of ['99999999999', '2147483648', '0', '-1', '1.5', 'abc']) {
        const r = await call('GET', `/documents/${raw}`);
        expect(r.status, raw).toBe(400);
        expect(r.body, raw).toEqual({ error: `document id must be a whole number from 1 to 2147483647, got "${raw}"` });
      }
      expect((await call('GET', `/documents/${fixture.documents[0]!.id}`)).status).toBe(200);
    });

    it('answers 400 for a bad filter or an unknown parameter', async () => {
      for (const path of ['/documents?status=lost', '/documents?limit=0', '/documents?limit=5000', '/documents?offset=-1', '/documents?sort=id']) {
        const r = await call('GET', path);
        expect(r.status, path).toBe(400);
        errorResponseSchema.parse(r.body);
      }
    });

    it('answers 400 listing the known sources for an unknown ?source=, as GET /compare does', async () => {
      for (const path of ['/documents?source=Nobody', '/documents?source=ITU,Nobody']) {
        const r = await call('GET', path);
        expect(r.status, path).toBe(400);
        expect(errorResponseSchema.parse(r.body).error).toBe('unknown source "Nobody"; known sources: ITU, NGO');
      }
    });

    it('lists the sources with counts and aliases', async () => {
      const r = sourcesResponseSchema.parse((await call('GET', '/sources')).body);
      expect(r.sources).toEqual([
        { name: 'ITU', actor_type: 'intergovernmental', documents: 2, aliases: [] },
        { name: 'NGO', actor_type: 'civil society', documents: 1, aliases: [] },
      ]);
    });

    it('files a POST under the canonical source of an alias and notes a differing actor type', async () => {
      await db.execute(sql`insert into source_aliases (alias, source_id) select 'International Telecommunication Union', id from sources where name = 'ITU'`);
      const r = await call('POST', '/documents', { body: { text: 'A posted text under the long name.', source: 'International Telecommunication Union', actor_type: 'industry' }, headers: auth });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(createdResponseSchema.parse(r.body)).toMatchObject({
        source: 'ITU',
        notes: ['source "International Telecommunication Union" is an alias of "ITU": filed there', 'actor_type "industry" differs from the source\'s "intergovernmental": kept for this document'],
      });
      await deleteDocuments(db, [r.body.id as number], { dryRun: false });
    });

    it('groups /compare by actor_type', async () => {
      const c = comparisonSchema.parse((await call('GET', '/compare?axis=gov&by=actor_type&iterations=200')).body);
      expect(c.groups.map((g) => g.key)).toEqual(['civil society', 'intergovernmental', 'state']);
      const bad = await call('GET', '/compare?axis=gov&by=colour');
      expect(bad.status).toBe(400);
      expect(String(bad.body.error)).toMatch(/source.*actor.*actor_type.*document/);
    });
  });

  describe.skipIf(!storeAvailable(kind))('POST /sources/rename and /sources/merge', () => {
    it('renames a source, keeping the old name as an alias under which a POST still lands', async () => {
      expect((await call('POST', '/sources/rename', { body: { from: 'ITU', to: 'International Telecommunication Union' } })).status).toBe(401);
      const r = await call('POST', '/sources/rename', { body: { from: 'ITU', to: 'International Telecommunication Union' }, headers: auth });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(sourceRenameResponseSchema.parse(r.body)).toEqual({ from: 'ITU', to: 'International Telecommunication Union', aliases: ['ITU'] });
      expect(sourcesResponseSchema.parse((await call('GET', '/sources')).body).sources.map((x) => [x.name, x.documents, x.aliases])).toEqual([
        ['International Telecommunication Union', 2, ['ITU']],
        ['NGO', 1, []],
      ]);
      const posted = await call('POST', '/documents', { body: { text: 'Posted under the old name.', source: 'ITU' }, headers: auth });
      expect(createdResponseSchema.parse(posted.body).source).toBe('International Telecommunication Union');
      await deleteDocuments(db, [posted.body.id as number], { dryRun: false });
    });

    it('merges a source into another: its documents move and its name becomes an alias', async () => {
      // Document Three has no actor type of its own: after the merge it keeps its old source's.
      await db.execute(sql`update documents set actor_type = null where title = 'Three'`);
      const r = await call('POST', '/sources/merge', { body: { from: 'NGO', into: 'ITU' }, headers: auth });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(sourceMergeResponseSchema.parse(r.body)).toEqual({ from: 'NGO', into: 'ITU', documents_moved: 1, aliases: ['NGO'] });
      expect(sourcesResponseSchema.parse((await call('GET', '/sources')).body).sources).toEqual([{ name: 'ITU', actor_type: 'intergovernmental', documents: 3, aliases: ['NGO'] }]);
      // The moved document keeps the actor type of the source it came from.
      const three = documentListResponseSchema.parse((await call('GET', '/documents?source=ITU')).body).documents.find((d) => d.title === 'Three');
      expect(three?.actor_type).toBe('civil society');
    });

    it('needs the token and JSON, from no foreign origin', async () => {
      for (const [path, body] of [['/sources/rename', { from: 'NGO', to: 'Renamed' }], ['/sources/merge', { from: 'NGO', into: 'ITU' }]] as const) {
        expect((await call('POST', path, { body, headers: { authorization: 'Bearer wrong' } })).status, path).toBe(401);
        const form = await app.request(path, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: JSON.stringify(body) });
        expect(form.status, path).toBe(415);
        expect((await call('POST', path, { body, headers: { ...auth, origin: 'https://evil.example' } })).status, path).toBe(403);
      }
      expect(sourcesResponseSchema.parse((await call('GET', '/sources')).body).sources.map((x) => x.name)).toEqual(['ITU', 'NGO']);
    });

    it('answers 404 for an unknown source, 409 for a name taken or the same source, 400 for a bad body, and changes nothing', async () => {
      const cases: [string, unknown, number, RegExp][] = [
        ['/sources/rename', { from: 'Nobody', to: 'X' }, 404, /unknown source "Nobody"; known sources: ITU, NGO/],
        ['/sources/merge', { from: 'NGO', into: 'Nobody' }, 404, /unknown source "Nobody"/],
        ['/sources/rename', { from: 'NGO', to: 'ITU' }, 409, /"ITU" is already a source; merge them instead .*POST \/sources\/merge/],
        ['/sources/rename', { from: 'NGO', to: 'NGO' }, 409, /already named "NGO"/],
        ['/sources/merge', { from: 'ITU', into: 'ITU' }, 409, /already the same source/],
        ['/sources/rename', { from: 'NGO' }, 400, /invalid request: .*to.*expected \{"from": "old name", "to": "new name"\}/],
        ['/sources/merge', { from: 'NGO', into: 'ITU', force: true }, 400, /force/],
        ['/sources/rename', 'not json', 400, /the body must be a JSON object/],
        ['/sources/rename', { from: 'NGO', to: 'a\u0007b' }, 400, /^invalid request: to holds a control character \(U\+0007 at position 2\); remove it; expected/],
        ['/sources/merge', { from: 'NGO\u0000', into: 'ITU' }, 400, /^invalid request: from holds a control character \(U\+0000/],
        ['/sources/rename', { from: 'NGO', to: '   ' }, 400, /invalid request: to is empty: give a source name/],
      ];
      for (const [path, body, status, message] of cases) {
        const r = await call('POST', path, { body, headers: auth });
        expect(r.status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`).toBe(status);
        expect(errorResponseSchema.parse(r.body).error).toMatch(message);
      }
      expect(sourcesResponseSchema.parse((await call('GET', '/sources')).body).sources.map((x) => [x.name, x.documents, x.aliases])).toEqual([
        ['ITU', 2, []],
        ['NGO', 1, []],
      ]);
    });
  });

  describe.skipIf(!storeAvailable(kind))('PATCH /documents/:id', () => {
    it('needs the token and JSON, from no foreign origin', async () => {
      const id = fixture.documents[0]!.id;
      expect((await call('PATCH', `/documents/${id}`, { body: { title: 'x' } })).status).toBe(401);
      expect((await call('PATCH', `/documents/${id}`, { body: { title: 'x' }, headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const form = await app.request(`/documents/${id}`, { method: 'PATCH', headers: { ...auth, 'content-type': 'text/plain' }, body: '{"title":"x"}' });
      expect(form.status).toBe(415);
      expect((await call('PATCH', `/documents/${id}`, { body: { title: 'x' }, headers: { ...auth, origin: 'https://evil.example' } })).status).toBe(403);
      expect((await queryRows<{ title: string }>(db, sql`select title from documents where id = ${id}`))[0]?.title).toBe('One');
    });

    it('corrects metadata, keeps the scores and sets updated_at', async () => {
      const id = fixture.documents[0]!.id;
      const before = documentResponseSchema.parse((await call('GET', `/documents/${id}`)).body);
      const r = await call('PATCH', `/documents/${id}`, { body: { title: 'One, corrected', date: '2013-10-17', kind: null }, headers: auth });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const out = documentUpdateResponseSchema.parse(r.body);
      expect(out.changed).toEqual(['title', 'date', 'kind']);
      expect(out.document).toMatchObject({ id, title: 'One, corrected', date: '2013-10-17', kind: null });
      const after = documentResponseSchema.parse((await call('GET', `/documents/${id}`)).body);
      expect(after.scored_chunks).toEqual(before.scored_chunks);
      expect(after.updated_at).not.toBe(before.updated_at);
    });

    it('answers 400 for bad fields, unknown fields, malformed JSON or nothing to change, and 404 for no document', async () => {
      const id = fixture.documents[1]!.id;
      const cases: [unknown, RegExp][] = [
        [{ date: '2013-02-30' }, /day 30 does not exist/],
        [{ url: 'file:///etc/passwd' }, /http or https/],
        [{ source: 'Someone' }, /only `title`, `date`, `url`, `language`, `actor`, `actor_type` and `kind` can/],
        [{}, /nothing to change/],
        ['{not json', /must be a JSON object/],
      ];
      for (const [body, message] of cases) {
        const r = await call('PATCH', `/documents/${id}`, { body, headers: auth });
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(errorResponseSchema.parse(r.body).error).toMatch(message);
      }
      // Each problem once, where it is: an unknown field is named by its path, and is all that is said.
      expect((await call('PATCH', `/documents/${id}`, { body: { source: 'Someone' }, headers: auth })).body).toEqual({
        error: 'invalid update: source: cannot be changed (only `title`, `date`, `url`, `language`, `actor`, `actor_type` and `kind` can)',
        issues: [{ path: ['source'], message: 'cannot be changed (only `title`, `date`, `url`, `language`, `actor`, `actor_type` and `kind` can)' }],
      });
      expect((await call('PATCH', `/documents/${id}`, { body: { date: '2013-02-30' }, headers: auth })).body).toMatchObject({ error: 'invalid update: date 2013-02-30: day 30 does not exist in that month (01 to 28)' });
      expect((await call('PATCH', '/documents/99999', { body: { title: 'x' }, headers: auth })).status).toBe(404);
      expect((await call('PATCH', '/documents/abc', { body: { title: 'x' }, headers: auth })).status).toBe(400);
    });
  });

  describe.skipIf(!storeAvailable(kind))('DELETE /documents/:id', () => {
    it('needs the token; a dry run deletes nothing', async () => {
      const id = fixture.documents[2]!.id;
      expect((await call('DELETE', `/documents/${id}`)).status).toBe(401);
      expect((await call('DELETE', `/documents/${id}`, { headers: { ...auth, origin: 'https://evil.example' } })).status).toBe(403);
      const dry = await call('DELETE', `/documents/${id}?dry_run=true`, { headers: auth });
      expect(dry.status).toBe(200);
      expect(documentDeleteResponseSchema.parse(dry.body)).toMatchObject({ dry_run: true, deleted: { id, chunks: 1, embeddings: 1, stance_scores: 1 }, queue_jobs: null });
      expect((await call('GET', `/documents/${id}`)).status).toBe(200);
      expect(removed).toEqual([]);
    });

    it('deletes the document with everything derived from it and removes its queue jobs', async () => {
      const id = fixture.documents[2]!.id;
      const r = await call('DELETE', `/documents/${id}`, { headers: auth });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const out = documentDeleteResponseSchema.parse(r.body);
      expect(out).toMatchObject({ dry_run: false, deleted: { id, source: 'NGO', title: 'Three' }, queue_jobs: { document_id: id, removed: [`doc-x-${id}-0`] }, queue_error: null });
      expect(removed).toEqual([[expect.objectContaining({ id, queue_attempt: 0 })]]);
      expect((await call('GET', `/documents/${id}`)).status).toBe(404);
      const chunks = await queryRows(db, sql`select id from chunks where document_id = ${id}`);
      expect(chunks).toEqual([]);
      expect((await call('DELETE', `/documents/${id}`, { headers: auth })).status).toBe(404);
      expect((await call('DELETE', `/documents/${id}?dry_run=maybe`, { headers: auth })).status).toBe(400);
    });
  });
});

describe('OpenAPI', () => {
  it('describes the new routes with their parameters and the token', () => {
    const doc = openApiDocument({ maxBodyBytes: 1000, tokenRequired: true }) as { paths: Record<string, Record<string, { parameters?: { name: string }[]; security?: unknown }>>; components: { schemas: Record<string, unknown> } };
    expect(doc.paths['/documents']?.get?.parameters?.map((p) => p.name)).toEqual(['source', 'status', 'from', 'to', 'lang', 'limit', 'offset']);
    expect(doc.paths['/documents/{id}']?.patch?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/documents/{id}']?.delete?.parameters?.map((p) => p.name)).toEqual(['id', 'dry_run']);
    expect(doc.paths['/sources']?.get).toBeDefined();
    expect(doc.paths['/sources/rename']?.post?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/sources/merge']?.post?.security).toEqual([{ bearer: [] }]);
    for (const name of ['DocumentList', 'DocumentUpdate', 'DocumentUpdated', 'DocumentDeleted', 'SourcesResponse', 'SourceRename', 'SourceRenamed', 'SourceMerge', 'SourcesMerged']) expect(doc.components.schemas[name], name).toBeDefined();
    const by = (doc.paths['/compare']?.get?.parameters as { name: string; schema: { enum?: string[] } }[]).find((p) => p.name === 'by');
    expect(by?.schema.enum).toEqual(['source', 'actor', 'actor_type', 'document']);
  });
});
