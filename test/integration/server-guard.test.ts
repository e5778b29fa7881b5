import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryEnv } from '../../app/compare/service.ts';
import { createLogger } from '../../app/log.ts';
import { parseConfig } from '../../config/config.ts';
import type { Db } from '../../db/client.ts';
import { createApp } from '../../server/app.ts';
import { errorResponseSchema } from '../../server/schemas.ts';
import { queueDocuments } from '../../cli/process-after-ingest.ts';
import { isLoopback } from '../../cli/commands/serve.ts';
import { openTempPglite } from '../helpers/db.ts';
import { buildScoreFixture, FIXTURE_AXES, type ScoreFixture } from '../helpers/score-fixture.ts';

// Issue 8, item 5 (the parts outside the queue) and item 4 (ids, API side): writes closed to other
// web pages, no secret in any answer or log line, ids beyond Postgres' integer give 400.

const SECRET = 'SECRETpw';
// A closed port: connecting fails at once, and the error names the URL.
const REDIS_URL = `redis://:${SECRET}@127.0.0.1:1`;
const STORED_ERROR = `could not reach postgres://stance:${SECRET}@db.internal:5432/stance (connect ECONNREFUSED)`;

let fixture: ScoreFixture;
let env: QueryEnv;
let cleanup: () => Promise<void>;
let open: ReturnType<typeof createApp>;
let failedId: number;
const logLines: string[] = [];
const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });

beforeAll(async () => {
  const tmp = await openTempPglite();
  cleanup = tmp.cleanup;
  fixture = await buildScoreFixture(tmp.database.db, {
    axes: FIXTURE_AXES,
    documents: [
      { source: 'ITU', title: 'Fine', chunks: [{ text: 'All stakeholders take part in Internet governance.' }] },
      { source: 'ITU', title: 'Broken', status: 'failed', error: STORED_ERROR, chunks: [{ text: 'This one failed while the database was away.' }] },
    ],
  });
  failedId = (fixture.documents[1] as { id: number }).id;
  env = { db: tmp.database.db, config: fixture.models, axes: FIXTURE_AXES, embedText: () => Promise.resolve(Float32Array.from([0, 0, 1])) };
  // No token, like a default `stance serve` on 127.0.0.1: the write guard is all that stops a web page.
  open = createApp({ env, config: { apiToken: undefined, maxDocBytes: 10_000, allowedOrigins: ['https://app.example.org'] }, logger });
}, 180_000);
afterAll(async () => {
  await cleanup();
});

let counter = 0;
const doc = () => JSON.stringify({ text: `A statement on Internet governance, number ${++counter}.`, source: 'Web' });
const postDocument = (headers: Record<string, string>, body = doc(), app = open) => app.request('http://127.0.0.1:8787/documents', { method: 'POST', headers, body });

describe('writes from other web pages', () => {
  it('refuses a cross-site text/plain POST (the form a page can send without a preflight)', async () => {
    const res = await postDocument({ 'content-type': 'text/plain', origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(errorResponseSchema.parse(await res.json()).error).toContain('https://evil.example');
  });

  it('refuses other media types with 415 naming what it takes, even without an Origin', async () => {
    // multipart too: no route reads a form, so an upload would otherwise get a 400 about JSON.
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/plain; charset=utf-8', 'multipart/form-data; boundary=x']) {
      const res = await postDocument({ 'content-type': type });
      expect(res.status, type).toBe(415);
      const err = errorResponseSchema.parse(await res.json());
      expect(err.error).toContain('application/json');
      expect(err.error).toContain(type.split(';')[0] as string);
    }
    const none = await open.request('http://127.0.0.1:8787/documents', { method: 'POST', body: new Blob([doc()]) });
    expect(none.status).toBe(415);
  });

  it('takes JSON from clients without an Origin, from its own origin and from an allowed one', async () => {
    expect((await postDocument({ 'content-type': 'application/json' })).status).toBe(201);
    expect((await postDocument({ 'content-type': 'application/json; charset=utf-8', origin: 'http://127.0.0.1:8787' })).status).toBe(201);
    expect((await postDocument({ 'content-type': 'application/json', origin: 'https://app.example.org' })).status).toBe(201);
  });

  it('refuses JSON from a foreign origin', async () => {
    const res = await postDocument({ 'content-type': 'application/json', origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    const other = await postDocument({ 'content-type': 'application/json', origin: 'null' });
    expect(other.status).toBe(403);
  });

  it('answers a CORS preflight for an allowed origin only', async () => {
    const preflight = (origin: string) =>
      open.request('http://127.0.0.1:8787/documents', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect((await preflight('https://app.example.org')).headers.get('access-control-allow-origin')).toBe('https://app.example.org');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('leaves reads open to any origin', async () => {
    const res = await open.request('http://127.0.0.1:8787/axes', { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
  });
});

describe('listening beyond the loopback interface', () => {
  it('knows which hosts are loopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.org', '128.0.0.1', '127.0.0.1.nip.io']) expect(isLoopback(h), h).toBe(false);
  });
});

describe('ids beyond the integer range', () => {
  const cases = [
    ['/similar?chunk=2147483648', 'chunk'],
    ['/similar?chunk=99999999999999999999', 'chunk'],
    ['/similar?chunk=-3', 'chunk'],
    ['/similar?chunk=1.5', 'chunk'],
    ['/compare?axis=gov&documents=1,2147483648', 'documents'],
    ['/compare?axis=gov&documents=0', 'documents'],
    ['/compare?axis=gov&documents=2.5', 'documents'],
  ] as const;
  it.each(cases)('%s answers 400 naming %s', async (path, param) => {
    const res = await open.request(path);
    expect(res.status).toBe(400);
    const err = errorResponseSchema.parse(await res.json());
    expect(err.issues?.map((i) => i.path[0])).toContain(param);
  });

  it('answers the largest id with a 404, not an error', async () => {
    const res = await open.request('/similar?chunk=2147483647');
    expect(res.status).toBe(404);
  });

  it.each(['/documents/2147483648', '/documents/-1', '/documents/1.5', '/documents/abc'])('%s answers 400', async (path) => {
    expect((await open.request(path)).status).toBe(400);
  });
});

describe('no secret in answers or logs', () => {
  it('the 503 of a document stored while Redis is down hides the Redis password, in the body and the log', async () => {
    const config = parseConfig({ REDIS_URL, DATABASE_URL: 'postgres://u@127.0.0.1/x' });
    const app = createApp({ env, config: { apiToken: undefined, maxDocBytes: 10_000 }, enqueue: (ids) => queueDocuments(config, ids, env.db), logger }); // as `stance serve` wires it: its own open database
    const before = logLines.length;
    const res = await postDocument({ 'content-type': 'application/json' }, doc(), app);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(text).toContain('redis://:***@127.0.0.1:1'); // still says where it tried
    expect(text).not.toContain(SECRET);
    const lines = logLines.slice(before).join('');
    expect(lines).toContain('enqueue failed');
    expect(lines).not.toContain(SECRET);
  });

  it('stored errors are served without the password by GET /status and GET /documents/:id', async () => {
    const status = await (await open.request('/status')).text();
    const one = await (await open.request(`/documents/${failedId}`)).text();
    for (const body of [status, one]) {
      expect(body).toContain('postgres://stance:***@db.internal:5432/stance');
      expect(body).not.toContain(SECRET);
    }
  });

  it('an unexpected error is logged without the password and answered with a generic 500', async () => {
    const broken = { execute: () => Promise.reject(new Error(`connection to postgres://u:${SECRET}@db/x lost`)) } as unknown as Db;
    const app = createApp({ env: { ...env, db: broken }, config: { apiToken: undefined, maxDocBytes: 10_000 }, logger });
    const before = logLines.length;
    const res = await app.request('/status');
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain(SECRET);
    const lines = logLines.slice(before);
    expect(lines.join('')).toContain('postgres://u:***@db/x');
    expect(lines.join('')).not.toContain(SECRET);
    for (const l of lines) expect(() => JSON.parse(l) as unknown).not.toThrow();
  });
});
