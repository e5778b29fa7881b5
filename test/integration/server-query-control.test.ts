import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryEnv } from '../../app/compare/service.ts';
import { createApp } from '../../server/app.ts';
import { openTempPglite } from '../helpers/db.ts';
import { buildScoreFixture, FIXTURE_AXES } from '../helpers/score-fixture.ts';

// A NUL in a query parameter reached Postgres (whose text cannot hold U+0000) and came back as a
// 500; every text query parameter is now refused with a 400 naming it, on the API and on the pages.

const s = (score: number, relevance: number, label: string) => ({ score, relevance, label });

let cleanup: () => Promise<void>;
let app: ReturnType<typeof createApp>;
const embedded: string[] = [];

beforeAll(async () => {
  const tmp = await openTempPglite();
  cleanup = tmp.cleanup;
  const fixture = await buildScoreFixture(tmp.database.db, {
    axes: FIXTURE_AXES,
    documents: [{ source: 'ITU', title: 'ITU speech', date: '2013', language: 'en', chunks: [{ text: 'All stakeholders decide together.', scores: { gov: s(0.8, 0.9, 'multi') } }] }],
  });
  const env: QueryEnv = {
    db: tmp.database.db,
    config: fixture.models,
    axes: FIXTURE_AXES,
    embedText: async (text) => {
      embedded.push(text);
      return Float32Array.from([1, 0, 0]);
    },
  };
  app = createApp({ env, config: { apiToken: undefined, maxDocBytes: 10_000 } });
}, 120_000);
afterAll(async () => cleanup());

const API_CASES: [path: string, param: string][] = [
  ['/documents?lang=%00', 'lang'],
  ['/documents?source=%00', 'source'],
  ['/documents?status=done%00', 'status'],
  ['/compare?axis=gov&lang=%00', 'lang'],
  ['/compare?axis=gov&sources=a%00b', 'sources'],
  ['/compare?axis=gov%00', 'axis'],
  ['/compare?axis=gov&scorer=nli%00', 'scorer'],
  ['/compare?axis=gov&from=2013%00', 'from'],
  ['/evidence?source=IT%00U&axis=gov&pole=multi', 'source'],
  ['/evidence?source=ITU&axis=gov&pole=multi%01', 'pole'],
  ['/similar?text=a%00b', 'text'],
];

describe('control characters in query parameters', () => {
  it.each(API_CASES)('GET %s answers 400 naming %s', async (path, param) => {
    const res = await app.request(path);
    const body = (await res.json()) as { error: string; issues?: { path: string[]; message: string }[] };
    expect(res.status, body.error).toBe(400);
    expect(body.error).toMatch(new RegExp(`^invalid parameters: ${param}: holds a control character \\(U\\+00\\d\\d at position \\d+\\); remove it$`));
    expect(body.issues?.[0]?.path).toEqual([param]);
  });

  it('names the character and its position', async () => {
    const res = await app.request('/evidence?source=IT%00U&axis=gov&pole=multi');
    expect(((await res.json()) as { error: string }).error).toBe('invalid parameters: source: holds a control character (U+0000 at position 3); remove it');
  });

  it.each([
    ['/ui/documents?source=%00', 'source'],
    ['/ui/compare?lang=%00', 'lang'],
    ['/ui/map?sources=%00', 'sources'],
    ['/ui/trends?axis=gov&scorer=%00', 'scorer'],
    ['/ui/similar?text=a%00', 'text'],
  ])('the page %s answers its error page with 400 naming %s', async (path, param) => {
    const res = await app.request(path);
    const text = await res.text();
    expect(res.status, text.slice(0, 2000)).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(text).toContain('Cannot show this page');
    expect(text).toMatch(new RegExp(`${param}: holds a control character \\(U\\+0000 at position \\d\\); remove it`));
  });

  it('still takes tabs and line breaks in a passage to search for', async () => {
    embedded.length = 0;
    const res = await app.request('/similar?text=one%09two%0Athree');
    expect(res.status, await res.clone().text()).toBe(200);
    expect(embedded).toEqual(['one\ttwo\nthree']);
  });
});
