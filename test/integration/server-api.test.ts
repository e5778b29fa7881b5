import { readFileSync } from 'node:fs';
import { repoPath } from '../helpers/paths.ts';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { QueryEnv } from '../../app/compare/service.ts';
import type { Db } from '../../db/client.ts';
import { bodyLimitBytes, createApp } from '../../server/app.ts';
import { startServer } from '../../server/listen.ts';
import {
  axesResponseSchema,
  comparisonSchema,
  scorersResponseSchema,
  createdResponseSchema,
  documentResponseSchema,
  duplicateResponseSchema,
  errorResponseSchema,
  evidenceResponseSchema,
  similarResponseSchema,
  statusResponseSchema,
} from '../../server/schemas.ts';
import { openTempPglite } from '../helpers/db.ts';
import { buildScoreFixture, FIXTURE_AXES, unit, type FixtureDocument, type ScoreFixture } from '../helpers/score-fixture.ts';

const TOKEN = 'test-token-123';
const MAX_DOC_BYTES = 2000;

const s = (score: number, relevance: number, label: string) => ({ score, relevance, label });

// Known scores: positions, evidence order and similarities below are computed from these numbers.
const DOCS: FixtureDocument[] = [
  {
    source: 'ITU',
    title: 'ITU speech',
    date: '2013-10-17',
    language: 'en',
    url: 'https://example.org/itu',
    chunks: [
      { text: 'The Internet should be governed by all stakeholders together.', scores: { gov: s(0.8, 0.9, 'multi'), sec: s(0.1, 0.3, 'irrelevant') }, vector: [1, 0, 0] },
      { text: 'Civil society must have a seat at the table.', scores: { gov: s(0.6, 0.7, 'multi'), sec: s(0.5, 0.8, 'rights') }, vector: [0.9, 0.1, 0] },
      { text: 'Governments have a role in Internet policy as well.', scores: { gov: s(-0.2, 0.6, 'state'), sec: s(0, 0.2, 'irrelevant') }, vector: [0.5, 0.5, 0] },
      { text: 'Technical bodies keep the network running every day.', scores: { gov: s(0.05, 0.2, 'irrelevant'), sec: s(0.3, 0.5, 'rights') }, vector: [0, 1, 0] },
    ],
  },
  {
    source: 'Cuba forum',
    title: 'Havana declaration',
    date: '2019',
    language: 'es',
    chunks: [
      { text: 'States hold sovereignty over their national Internet space.', scores: { gov: s(-0.9, 0.95, 'state'), sec: s(-0.6, 0.8, 'security') }, vector: [0.95, 0, 0.31] },
      { text: 'No state may interfere in the cyberspace of another state.', scores: { gov: s(-0.7, 0.8, 'state'), sec: s(-0.4, 0.6, 'security') }, vector: [0, 0, 1] },
      { text: 'The United Nations is the right forum for these rules.', scores: { gov: s(-0.5, 0.7, 'state'), sec: s(0, 0.3, 'irrelevant') }, vector: [0.2, 0.2, 0.9] },
      { text: 'Cooperation between nations keeps cyberspace peaceful.', scores: { gov: s(0.1, 0.4, 'irrelevant'), sec: s(-0.2, 0.5, 'security') }, vector: [0.1, 0.9, 0.1] },
    ],
  },
  { source: 'ITU', title: 'Broken upload', status: 'failed', error: 'model exploded', chunks: [{ text: 'This document failed to process for a test.' }] },
];

let fixture: ScoreFixture;
let env: QueryEnv;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof createApp>;
const queued: number[][] = [];
const logLines: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });

beforeAll(async () => {
  const tmp = await openTempPglite();
  cleanup = tmp.cleanup;
  fixture = await buildScoreFixture(tmp.database.db, { axes: FIXTURE_AXES, documents: DOCS });
  env = { db: tmp.database.db, config: fixture.models, axes: FIXTURE_AXES, embedText: () => Promise.resolve(Float32Array.from([0, 0, 1])) };
  app = createApp({
    env,
    config: { apiToken: TOKEN, maxDocBytes: MAX_DOC_BYTES },
    enqueue: (ids) => {
      queued.push(ids);
      return Promise.resolve();
    },
    logger,
  });
});
afterAll(async () => {
  await cleanup();
});

const get = async (path: string) => {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const post = async (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, target = app) => {
  const res = await target.request('/documents', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
};
const expect400 = async (path: string, param?: string) => {
  const r = await get(path);
  expect(r.status, `${path} -> ${JSON.stringify(r.body)}`).toBe(400);
  const err = errorResponseSchema.parse(r.body);
  if (param) expect(err.issues?.map((i) => i.path[0])).toContain(param);
  return err;
};

/**
 * The query env on an empty store of its own, for a test that writes documents: the scored
 * fixture the other tests read stays as built, whatever order the tests run in.
 */
async function ownStoreEnv(): Promise<QueryEnv> {
  const tmp = await openTempPglite();
  onTestFinished(() => tmp.cleanup());
  return { ...env, db: tmp.database.db };
}
/** An app like the shared one (token, queue), on a store of its own. */
async function ownStoreApp(): Promise<ReturnType<typeof createApp>> {
  return createApp({
    env: await ownStoreEnv(),
    config: { apiToken: TOKEN, maxDocBytes: MAX_DOC_BYTES },
    enqueue: (ids) => {
      queued.push(ids);
      return Promise.resolve();
    },
  });
}

// Relevance-weighted mean over a source's chunks, computed independently of the SQL.
function expectedPosition(source: string, axis: string): number {
  const scores = DOCS.filter((d) => d.source === source).flatMap((d) => d.chunks.flatMap((c) => (c.scores?.[axis] ? [c.scores[axis]] : [])));
  return scores.reduce((n, x) => n + x.score * x.relevance, 0) / scores.reduce((n, x) => n + x.relevance, 0);
}

describe('scorer selection', () => {
  it('answers 400 for an unknown scorer, listing the known ones', async () => {
    for (const path of ['/compare?axis=gov&scorer=bogus', '/evidence?source=ITU&axis=gov&pole=multi&scorer=bogus', '/similar?chunk=1&scorer=bogus']) {
      const err = await expect400(path, 'scorer');
      expect(err.error).toContain('unknown scorer "bogus"; known scorers: nli, prototype, lexicon, trained:<name>, ensemble:<name>');
    }
    expect((await expect400('/compare?axis=gov&scorer=nli:x')).error).toContain('takes no name');
    // An unknown trained model: 400 naming the known ones (the shipped trained:default).
    const unknown = await get('/compare?axis=gov&scorer=trained:nope');
    expect(unknown.status).toBe(400);
    expect(String(unknown.body.error)).toContain('no trained model "nope" (known: trained:default)');
  });

  it('reads the scorer named, and the best one with scores when none is', async () => {
    const named = comparisonSchema.parse((await get('/compare?axis=gov&scorer=prototype&iterations=200')).body);
    expect(named.scorer).toBe(fixture.registry.scorerKeys.prototype);
    const unnamed = comparisonSchema.parse((await get('/compare?axis=gov&iterations=200')).body);
    expect(unnamed.scorer).toBe(fixture.registry.scorerKeys.nli);
    // Nothing was scored with the lexicon in this store: 409, saying what to run.
    const lexicon = await get('/compare?axis=gov&scorer=lexicon');
    expect(lexicon.status).toBe(409);
    expect(String(lexicon.body.error)).toContain('stance rescore --scorer lexicon');
    // trained:default resolves on a store that never imported it (the shipped file); nothing scored yet: 409.
    const trained = await get('/compare?axis=gov&scorer=trained:default');
    expect(trained.status).toBe(409);
    expect(String(trained.body.error)).toContain('stance rescore --scorer trained:default');
  });

  it('lists the scorers with their versions at /scorers', async () => {
    const r = await get('/scorers');
    expect(r.status).toBe(200);
    const body = scorersResponseSchema.parse(r.body);
    expect(body.default_refused).toBeNull();
    expect(body.scorers.map((s) => s.name)).toEqual(['nli', 'prototype', 'lexicon', 'trained:default', 'ensemble:default']);
    const shipped = JSON.parse(readFileSync(repoPath('config/trained/default.json'), 'utf8')) as { version: string };
    expect(body.scorers[3]).toMatchObject({ name: 'trained:default', version: `trained:default:${shipped.version}`, scored: false, available: true, needs_models: [] });
    expect(body.scorers[0]).toMatchObject({ name: 'nli', version: fixture.registry.scorerKeys.nli, scored: true, needs_models: ['nli'], latest_eval: null });
    expect(body.scorers[2]).toMatchObject({ name: 'lexicon', scored: false, available: true, needs_models: [] });
    expect(body.scorers[2]?.version).toMatch(/^lexicon:[0-9a-f]{12}$/);
  });
});

describe('GET /compare', () => {
  it('answers one comparison for an axis, with positions from the known scores', async () => {
    const r = await get('/compare?axis=gov&iterations=500&seed=7');
    expect(r.status).toBe(200);
    const c = comparisonSchema.parse(r.body);
    expect(c).toMatchObject({ axis: 'gov', poles: ['state', 'multi'], by: 'source', seed: 7, scorer: fixture.registry.scorerKeys.nli });
    expect(c.groups.map((g) => g.key)).toEqual(['Cuba forum', 'ITU']);
    for (const g of c.groups) {
      expect(g.position).toBeCloseTo(expectedPosition(g.key, 'gov'), 5);
      expect(g.n_chunks).toBe(4);
    }
    expect(c.groups.find((g) => g.key === 'ITU')).toMatchObject({ n_relevant: 3, labels: { state: 1, multi: 2, neutral: 0, irrelevant: 1 } });
    expect(c.pairs).toHaveLength(1);
    expect(c.pairs[0]).toMatchObject({ a: 'Cuba forum', b: 'ITU', status: 'ok' });
  });

  it('answers {comparisons} for every axis without one, and applies list and date filters', async () => {
    const all = await get('/compare?iterations=200');
    expect(all.status).toBe(200);
    const list = all.body.comparisons as unknown[];
    expect(list.map((c) => comparisonSchema.parse(c).axis)).toEqual(['gov', 'sec']);

    const one = comparisonSchema.parse((await get('/compare?axis=gov&sources=ITU&iterations=200')).body);
    expect(one.groups.map((g) => g.key)).toEqual(['ITU']);
    const both = comparisonSchema.parse((await get('/compare?axis=gov&sources=ITU,Cuba%20forum&iterations=200')).body);
    expect(both.groups).toHaveLength(2);
    const dated = comparisonSchema.parse((await get('/compare?axis=gov&from=2015&lang=es&iterations=200')).body);
    expect(dated.groups.map((g) => g.key)).toEqual(['Cuba forum']);
    const byDoc = comparisonSchema.parse((await get(`/compare?axis=sec&by=document&documents=${fixture.documents[0]!.id}&iterations=200`)).body);
    expect(byDoc.groups.map((g) => g.key)).toEqual([`${fixture.documents[0]!.id}: ITU speech`]);
  });

  it('rejects bad parameters with 400 naming them', async () => {
    expect((await expect400('/compare?axis=nope')).error).toMatch(/unknown axis "nope"; known axes: gov, sec/);
    expect((await expect400('/compare?axis=gov&sources=ITU,Nobody')).error).toBe('unknown source "Nobody"; known sources: Cuba forum, ITU');
    await expect400('/compare?scorer=magic', 'scorer');
    await expect400('/compare?by=country', 'by');
    await expect400('/compare?iterations=lots', 'iterations');
    await expect400('/compare?iterations=5', 'iterations');
    await expect400('/compare?seed=1.5', 'seed');
    await expect400('/compare?documents=1,x', 'documents');
    await expect400('/compare?from=2013-1', 'from');
    await expect400('/compare?axes=gov', 'axes');
    await expect400('/compare?axis=gov&axis=sec', 'axis');
  });

  it('answers 409 when nothing is scored with the configured model, and falls back to a scorer with scores when none is named', async () => {
    const other = createApp({ env: { ...env, config: { ...fixture.models, nliModel: 'never-used' } }, config: { apiToken: undefined, maxDocBytes: MAX_DOC_BYTES } });
    const res = await other.request('/compare?axis=gov&scorer=nli');
    expect(res.status).toBe(409);
    expect(errorResponseSchema.parse(await res.json()).error).toMatch(/nothing has been scored/);
    const unnamed = await other.request('/compare?axis=gov&iterations=200');
    expect(unnamed.status).toBe(200);
    expect(comparisonSchema.parse(await unnamed.json()).scorer).toBe(fixture.registry.scorerKeys.prototype);
  });
});

describe('GET /evidence', () => {
  it("answers a source's passages on a pole, strongest first, quoted exactly", async () => {
    const r = await get('/evidence?source=ITU&axis=gov&pole=multi&limit=2');
    expect(r.status).toBe(200);
    const e = evidenceResponseSchema.parse(r.body);
    expect(e).toMatchObject({ axis: 'gov', pole: 'multi', source: 'ITU', scorer: fixture.registry.scorerKeys.nli });
    expect(e.passages.map((p) => p.quote)).toEqual([DOCS[0]!.chunks[0]!.text, DOCS[0]!.chunks[1]!.text]);
    expect(e.passages[0]).toMatchObject({ chunk_id: fixture.documents[0]!.chunkIds[0], title: 'ITU speech', date: '2013-10-17', url: 'https://example.org/itu', label: 'multi' });
  });

  it('rejects bad parameters with 400 and an unknown source with 404', async () => {
    expect((await expect400('/evidence?source=ITU&axis=gov&pole=nope')).error).toMatch(/unknown pole "nope"/);
    expect((await expect400('/evidence?source=ITU&axis=nope&pole=state')).error).toMatch(/unknown axis/);
    await expect400('/evidence?source=ITU&axis=gov&pole=state&limit=ten', 'limit');
    await expect400('/evidence?source=ITU&axis=gov&pole=state&limit=0', 'limit');
    await expect400('/evidence?source=ITU&axis=gov&pole=state&scorer=magic', 'scorer');
    await expect400('/evidence?axis=gov&pole=state', 'source');
    const r = await get('/evidence?source=Nobody&axis=gov&pole=state');
    expect(r.status).toBe(404);
    expect(r.body.error).toMatch(/unknown source "Nobody"/);
  });
});

describe('GET /similar', () => {
  it('answers the nearest chunks of other sources to a chunk, with their stances', async () => {
    const chunk = fixture.documents[0]!.chunkIds[0]!;
    const r = await get(`/similar?chunk=${chunk}&other_sources=true&limit=2`);
    expect(r.status).toBe(200);
    const sim = similarResponseSchema.parse(r.body);
    expect(sim.query).toEqual({ chunk });
    const q = unit(DOCS[0]!.chunks[0]!.vector!);
    const expected = DOCS[1]!.chunks
      .map((c, i) => ({ id: fixture.documents[1]!.chunkIds[i]!, cos: unit(c.vector!).reduce((n, x, k) => n + x * q[k]!, 0) }))
      .sort((a, b) => b.cos - a.cos)
      .slice(0, 2);
    expect(sim.passages.map((p) => p.chunk_id)).toEqual(expected.map((e) => e.id));
    sim.passages.forEach((p, i) => expect(p.similarity).toBeCloseTo(expected[i]!.cos, 5));
    expect(sim.passages.every((p) => p.source === 'Cuba forum')).toBe(true);
    expect(sim.passages[0]!.stances).toEqual({
      gov: { score: -0.9, relevance: 0.95, label: 'state', details: null },
      sec: { score: -0.6, relevance: 0.8, label: 'security', details: null },
    });
  });

  it('embeds a text query with the injected embedder', async () => {
    const r = await get('/similar?text=sovereignty%20of%20states&limit=1');
    expect(r.status).toBe(200);
    const sim = similarResponseSchema.parse(r.body);
    expect(sim.query).toEqual({ text: 'sovereignty of states' });
    expect(sim.passages.map((p) => p.chunk_id)).toEqual([fixture.documents[1]!.chunkIds[1]]);
  });

  it('rejects both or neither of text and chunk, bad numbers and booleans with 400; an unknown chunk with 404', async () => {
    expect((await expect400('/similar?text=x&chunk=1')).error).toMatch(/exactly one of `text` or `chunk`/);
    expect((await expect400('/similar')).error).toMatch(/exactly one of `text` or `chunk`/);
    await expect400('/similar?chunk=abc', 'chunk');
    await expect400('/similar?chunk=-3', 'chunk');
    await expect400(`/similar?chunk=${fixture.chunkIds[0]}&other_sources=maybe`, 'other_sources');
    await expect400(`/similar?chunk=${fixture.chunkIds[0]}&limit=201`, 'limit');
    const r = await get('/similar?chunk=999999');
    expect(r.status).toBe(404);
    expect(r.body.error).toMatch(/chunk 999999 does not exist/);
  });
});

describe('GET /axes and /status', () => {
  it('lists the axes in use', async () => {
    const r = await get('/axes');
    expect(r.status).toBe(200);
    const { axes } = axesResponseSchema.parse(r.body);
    expect(axes.map((a) => [a.slug, a.version, a.poles.map((p) => p.slug), a.thresholds])).toEqual(
      FIXTURE_AXES.map((a) => [a.slug, a.version, [a.poles[0].slug, a.poles[1].slug], a.thresholds]),
    );
  });

  it('counts documents by source and status and lists the failed ones', async () => {
    const r = await get('/status');
    expect(r.status).toBe(200);
    const st = statusResponseSchema.parse(r.body);
    expect(st.sources.find((x) => x.source === 'Cuba forum')).toMatchObject({ total: 1, by_status: { done: 1 } });
    expect(st.sources.find((x) => x.source === 'ITU')).toMatchObject({ by_status: { done: 1, failed: 1 } });
    expect(st.failed).toEqual([{ id: fixture.documents[2]!.id, title: 'Broken upload', file_name: 'fixture-2.txt', error: 'model exploded' }]);
  });
});

describe('documents', () => {
  const doc = { text: 'A new speech on the future of Internet governance by all stakeholders.', source: 'ICANN', title: 'New speech', date: '2024-05', language: 'en' };

  it('refuses writes without a bearer token, with a wrong one, or with another scheme (401; the right one is accepted in "creates a document")', async () => {
    const none = await post(doc, {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(errorResponseSchema.parse(none.body).error).toMatch(/Authorization: Bearer/);
    const wrong = await post(doc, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('wrong bearer token');
    expect((await post(doc, { authorization: `Basic ${TOKEN}` })).status).toBe(401);
  });

  it('creates a document (201), queues it, shows it queued, and answers a duplicate with 200', async () => {
    const own = await ownStoreApp();
    const get = async (path: string) => {
      const res = await own.request(path);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const before = queued.length;
    const created = await post(doc, undefined, own);
    expect(created.status).toBe(201);
    const c = createdResponseSchema.parse(created.body);
    expect(c).toMatchObject({ status: 'queued', source: 'ICANN', processing: 'workers' });
    expect(created.headers.get('location')).toBe(`/documents/${c.id}`);
    expect(queued.slice(before)).toEqual([[c.id]]);

    const shown = await get(`/documents/${c.id}`);
    expect(shown.status).toBe(200);
    const d = documentResponseSchema.parse(shown.body);
    expect(d).toMatchObject({ id: c.id, source: 'ICANN', title: 'New speech', date: '2024-05', language: 'en', file_name: 'document.txt', format: 'text', status: 'queued', error: null, chunks: 0, scored_chunks: null });

    // Same text after normalization: nothing created.
    const dup = await post({ ...doc, text: `  ${doc.text}\n`, source: 'Someone else' }, undefined, own);
    expect(dup.status).toBe(200);
    expect(duplicateResponseSchema.parse(dup.body)).toEqual({ id: c.id, status: 'queued', source: 'ICANN', duplicate_of: c.id });
  });

  it('reads the format from format or file_name', async () => {
    const own = await ownStoreApp();
    const get = async (path: string) => (await (await own.request(path)).json()) as Record<string, unknown>;
    const md = await post({ text: '# Title\n\nSome **bold** words about the open Internet.', format: 'markdown', source: 'ISOC' }, undefined, own);
    expect(md.status).toBe(201);
    expect(documentResponseSchema.parse(await get(`/documents/${md.body.id as number}`))).toMatchObject({ format: 'markdown', file_name: 'document.md' });
    const html = await post({ text: '<p>Rights matter online, for everyone.</p>', file_name: 'page.html', source: 'ISOC' }, undefined, own);
    expect(html.status).toBe(201);
    expect(await get(`/documents/${html.body.id as number}`)).toMatchObject({ format: 'html', file_name: 'page.html' });
    const clash = await post({ text: 'x y z', file_name: 'page.html', format: 'text', source: 'ISOC' }, undefined, own);
    expect(clash.status).toBe(400);
    expect(clash.body.error).toMatch(/is html by its extension but format is text/);
  });

  it('shows a processed document with its scored chunks', async () => {
    const r = await get(`/documents/${fixture.documents[0]!.id}`);
    expect(r.status).toBe(200);
    expect(documentResponseSchema.parse(r.body)).toMatchObject({ status: 'done', chunks: 4, scored_chunks: { nli: { gov: 4, sec: 4 }, prototype: { gov: 0, sec: 0 } } });
    expect((await get(`/documents/${fixture.documents[2]!.id}`)).body).toMatchObject({ status: 'failed', error: 'model exploded', scored_chunks: null });
  });

  it('rejects bad ids with 400 and unknown ones with 404', async () => {
    expect((await get('/documents/abc')).status).toBe(400);
    expect((await get('/documents/0')).status).toBe(400);
    expect((await get('/documents/99999999999')).status).toBe(400);
    const missing = await get('/documents/424242');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('document 424242 does not exist');
  });

  it('rejects bad documents with 400, 413 and 422 and the ingest message', async () => {
    const bad = async (body: unknown, status: number, message: RegExp) => {
      const r = await post(body);
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(errorResponseSchema.parse(r.body).error).toMatch(message);
    };
    await bad('{not json', 400, /must be a JSON object/);
    await bad({ text: 'Hello there, a sentence.' }, 400, /source/);
    await bad({ text: 'Hello there, a sentence.', source: 'X', date: 'May 2020' }, 400, /date must be YYYY/);
    await bad({ text: 'Hello there, a sentence.', source: 'X', lang: 'en' }, 400, /lang/);
    await bad({ text: 'Hello there, a sentence.', source: 'X', format: 'pdf' }, 400, /format/);
    await bad({ text: '   \n ', source: 'X' }, 422, /empty|whitespace/);
    await bad({ text: 'nul \u0000 byte', source: 'X' }, 422, /binary data/);
    await bad({ text: 'Hello there, a sentence.', source: 'X', file_name: 'report.pdf' }, 422, /unsupported file type/);
    // Over the document limit but under the body limit: ingest's own message.
    await bad({ text: 'word '.repeat(600), source: 'X' }, 413, /over the limit of 2\.0 kB; split it or raise STANCE_MAX_DOC_BYTES/);
    // Over the body limit: refused before it is read.
    expect(bodyLimitBytes(MAX_DOC_BYTES)).toBeLessThan(80_000);
    await bad({ text: 'x'.repeat(80_000), source: 'X' }, 413, /request body over the limit/);
  });

  it('accepts writes without a token when none is configured, and leaves documents for `stance process` without a queue', async () => {
    const open = createApp({ env: await ownStoreEnv(), config: { apiToken: undefined, maxDocBytes: MAX_DOC_BYTES } });
    const r = await post({ text: 'An open API accepts this sentence.', source: 'ISOC' }, {}, open);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'queued', processing: 'manual' });
  });

  it('answers 503 when the document is stored but cannot be queued, and queues it on retry', async () => {
    let fail = true;
    const ids: number[] = [];
    const flaky = createApp({
      env: await ownStoreEnv(),
      config: { apiToken: undefined, maxDocBytes: MAX_DOC_BYTES },
      enqueue: (x) => (fail ? Promise.reject(new Error('Redis down')) : (ids.push(...x), Promise.resolve())),
    });
    const body = { text: 'A document that meets a broken queue.', source: 'ISOC' };
    const first = await post(body, {}, flaky);
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ id: expect.any(Number) as number });
    fail = false;
    const retry = await post(body, {}, flaky);
    expect(retry.status).toBe(200);
    expect(ids).toEqual([first.body.id]);
  });
});

describe('the rest', () => {
  it('serves an OpenAPI 3.1 description of every route and its parameters', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = JSON.parse(await res.text()) as { openapi: string; paths: Record<string, Record<string, { parameters?: { name: string; required: boolean }[] }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/axes', '/compare', '/documents', '/documents/{id}', '/evidence', '/openapi.json', '/scorers', '/similar', '/sources', '/sources/merge', '/sources/rename', '/status']);
    expect(doc.paths['/compare']!.get!.parameters!.map((p) => p.name)).toEqual(['axis', 'scorer', 'by', 'sources', 'documents', 'from', 'to', 'lang', 'seed', 'iterations']);
    expect(doc.paths['/evidence']!.get!.parameters!.filter((p) => p.required).map((p) => p.name)).toEqual(['source', 'axis', 'pole']);
    expect(doc.paths['/similar']!.get!.parameters!.map((p) => p.name)).toContain('other_sources');
    expect(doc.paths['/documents']!.post).toMatchObject({ security: [{ bearer: [] }] });
  });

  it('answers unknown routes with a JSON 404, and unexpected errors with a generic 500 that is logged', async () => {
    const r = await get('/nowhere');
    expect(r.status).toBe(404);
    expect(r.body.error).toMatch(/openapi\.json/);

    const broken = { execute: () => Promise.reject(new Error('disk on fire')) } as unknown as Db;
    const lines: string[] = [];
    const bad = createApp({ env: { ...env, db: broken }, config: { apiToken: undefined, maxDocBytes: MAX_DOC_BYTES }, logger: pino({}, { write: (l: string) => void lines.push(l) }) });
    const res = await bad.request('/status');
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: string };
    expect(body.error).not.toMatch(/disk on fire/);
    expect(lines.join('')).toMatch(/disk on fire/);
  });

  it('logs one structured line per request', async () => {
    // Its own request: the log must not depend on which tests ran before.
    const before = logLines.length;
    expect((await get('/axes')).status).toBe(200);
    const entries = logLines.slice(before).map((l) => JSON.parse(l) as { msg: string; method?: string; path?: string; status?: number; ms?: number });
    expect(entries.find((e) => e.msg === 'request' && e.path === '/axes')).toMatchObject({ method: 'GET', status: 200, ms: expect.any(Number) as number });
  });

  it('answers over a real socket on 127.0.0.1 (port 0)', async () => {
    const server = await startServer(app, { host: '127.0.0.1', port: 0 });
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      const axes = await fetch(`${server.url}/axes`);
      expect(axes.status).toBe(200);
      expect(axesResponseSchema.parse(await axes.json()).axes).toHaveLength(2);
      const denied = await fetch(`${server.url}/documents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(denied.status).toBe(401);
      const huge = await fetch(`${server.url}/documents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ text: 'x'.repeat(100_000), source: 'X' }),
      });
      expect(huge.status).toBe(413);
    } finally {
      await server.close();
    }
  });
});
