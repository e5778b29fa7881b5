import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryEnv } from '../../app/compare/service.ts';
import { createApp } from '../../server/app.ts';
import { openTempPglite } from '../helpers/db.ts';
import { buildScoreFixture, FIXTURE_AXES, type FixtureDocument } from '../helpers/score-fixture.ts';

/** The web pages without a browser: known scores rendered, text escaped, writes guarded. */

const TOKEN = 'web-token-42';
const s = (score: number, relevance: number, label: string) => ({ score, relevance, label });
const HOSTILE = 'Evil <img src=x onerror=alert(1)> source';
const DOCS: FixtureDocument[] = [
  {
    source: 'ITU',
    title: 'ITU speech',
    date: '2013-10-17',
    chunks: [
      { text: 'The Internet should be governed by all stakeholders together.', scores: { gov: s(0.8, 0.9, 'multi'), sec: s(0.1, 0.3, 'irrelevant') } },
      { text: 'Governments have a role in Internet policy as well.', scores: { gov: s(-0.2, 0.6, 'state'), sec: s(0, 0.2, 'irrelevant') } },
    ],
  },
  {
    source: HOSTILE,
    title: 'A <script>alert(2)</script> title',
    date: '2019',
    chunks: [{ text: 'States hold sovereignty. <script>alert(3)</script>', scores: { gov: s(-0.9, 0.95, 'state'), sec: s(-0.6, 0.8, 'security') } }],
  },
];

let cleanup: () => Promise<void>;
let app: ReturnType<typeof createApp>;
const dirs = { gold: mkdtempSync(join(tmpdir(), 'stance-gold-')), review: mkdtempSync(join(tmpdir(), 'stance-reviews-')) };
const GOLD_LINES = [
  { id: 'g1', text: 'All stakeholders decide.', source: 'X', doc: 'x.txt', labels: { gov: 'multi', sec: 'irrelevant' }, split: 'dev', note: 'clear' },
  { id: 'g2', text: 'States decide.', source: 'X', doc: 'x.txt', labels: { gov: 'state', sec: 'irrelevant' }, split: 'test' },
];

beforeAll(async () => {
  const tmp = await openTempPglite();
  cleanup = tmp.cleanup;
  const fixture = await buildScoreFixture(tmp.database.db, { axes: FIXTURE_AXES, documents: DOCS });
  const env: QueryEnv = { db: tmp.database.db, config: fixture.models, axes: FIXTURE_AXES };
  writeFileSync(join(dirs.gold, 'tiny.jsonl'), GOLD_LINES.map((l) => JSON.stringify(l)).join('\n'));
  app = createApp({ env, config: { apiToken: TOKEN, maxDocBytes: 10_000, goldDir: dirs.gold, reviewDir: dirs.review } });
});
afterAll(async () => {
  await cleanup();
  for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
});

const page = async (path: string) => {
  const res = await app.request(path);
  return { status: res.status, type: res.headers.get('content-type') ?? '', csp: res.headers.get('content-security-policy') ?? '', text: await res.text() };
};
const postLabel = (body: unknown, headers: Record<string, string>) =>
  app.request('/ui/review/labels', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('web pages', () => {
  it('the compare page shows the positions the fixture scores give, as an HTML table', async () => {
    const r = await page('/ui/compare?axis=gov&sources=ITU');
    expect(r.status).toBe(200);
    expect(r.type).toContain('text/html');
    // Relevance-weighted mean of ITU's gov scores: (0.8*0.9 - 0.2*0.6) / (0.9 + 0.6) = 0.4.
    expect(r.text).toMatch(/<th scope="row">ITU<\/th><td class="num">0\.400<\/td>/);
    expect(r.csp).toContain("script-src 'self'");
  });

  it('the map links each point to its selection, and its hover text has positions, counts and labels', async () => {
    const r = await page('/ui/map?x=gov&y=sec');
    expect(r.text).toContain('<a class="group-link" href="/ui/map?x=gov&amp;y=sec&amp;select=ITU" aria-label="ITU (n=0)">');
    // n: the fewer relevant chunks of the two axes (sec: relevances 0.3, 0.2 under its 0.4 threshold).
    // ITU on gov: 0.400 (above), both chunks relevant (0.9, 0.6 >= 0.5), one labelled multi and one state.
    expect(r.text).toMatch(/<title>gov: 0\.400 [^\n]*, 2\/2 relevant; state 1, multi 1, neutral 0, irrelevant 0\n/);
  });

  it('escapes source names, titles and chunk text on every page that shows them', async () => {
    for (const path of ['/ui/map', '/ui/compare', '/ui/documents', `/ui/map?select=${encodeURIComponent(HOSTILE)}`, '/ui/documents/2']) {
      const r = await page(path);
      expect(r.status, path).toBe(200);
      expect(r.text, path).not.toMatch(/<img src=x|<script>alert/);
    }
    const doc = await page('/ui/documents/2');
    expect(doc.text).toContain('States hold sovereignty. &lt;script&gt;alert(3)&lt;/script&gt;');
    expect(doc.text).toContain('A &lt;script&gt;alert(2)&lt;/script&gt; title');
  });

  it('answers a bad request with an HTML page that says what is wrong', async () => {
    const r = await page('/ui/map?x=nope');
    expect(r.status).toBe(400);
    expect(r.text).toContain('unknown axis &quot;nope&quot;; the axes are gov, sec');
    expect((await page('/ui/documents/99')).status).toBe(404);
    expect((await page('/ui/compare?from=2013-1')).text).toContain('date must be YYYY, YYYY-MM or YYYY-MM-DD');
  });

  it('queue counts need the token; without Redis there is no queue', async () => {
    expect((await app.request('/ui/queues/counts')).status).toBe(401);
    expect((await app.request('/ui/queues/counts', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    expect((await page('/ui/queues')).text).toContain('REDIS_URL is not set');
  });
});

describe('POST /ui/review/labels', () => {
  const body = { set: 'tiny.jsonl', id: 'g2', reviewer: 'rev1', labels: { gov: 'neutral', sec: 'irrelevant' }, note: 'unsure' };

  it('goes through the write guard and needs the token', async () => {
    const plain = await app.request('/ui/review/labels', { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
    expect(plain.status).toBe(415);
    expect((await postLabel(body, { authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' })).status).toBe(403);
    expect((await postLabel(body, {})).status).toBe(401);
    expect((await postLabel({ ...body, set: '../tiny.jsonl' }, { authorization: `Bearer ${TOKEN}` })).status).toBe(400);
  });

  it('writes the reviewer\'s labels to a tagging file of its own in the gold format; the gold set is unchanged', async () => {
    const before = readFileSync(join(dirs.gold, 'tiny.jsonl'), 'utf8');
    const res = await postLabel(body, { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    const file = join(dirs.review, 'tiny.rev1.jsonl');
    expect(await res.json()).toEqual({ file, id: 'g2', labels: body.labels });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ id: 'g2', text: 'States decide.', source: 'X', doc: 'x.txt', labels: body.labels, split: 'test', note: 'unsure' });
    expect(readFileSync(join(dirs.gold, 'tiny.jsonl'), 'utf8')).toBe(before);
    const bad = await postLabel({ ...body, labels: { gov: 'rights', sec: 'irrelevant' } }, { authorization: `Bearer ${TOKEN}` });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('label for gov must be one of state, multi, neutral, irrelevant');
  });
});
