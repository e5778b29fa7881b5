import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { openApiDocument } from '../../server/openapi.ts';
import { openTempPglite } from '../helpers/db.ts';
import { isSnakeCase, nonSnakeKeys } from '../helpers/naming.ts';
import { buildScoreFixture, FIXTURE_AXES, type ScoreFixture } from '../helpers/score-fixture.ts';

// Every route of the OpenAPI document is called (so a route added later is covered without
// touching this file) and every JSON answer, success or error, must use snake_case keys.

const TOKEN = 'naming-token';
const s = (score: number, relevance: number, label: string) => ({ score, relevance, label });

let fixture: ScoreFixture;
let app: ReturnType<typeof createApp>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const tmp = await openTempPglite();
  cleanup = tmp.cleanup;
  fixture = await buildScoreFixture(tmp.database.db, {
    axes: FIXTURE_AXES,
    documents: [
      {
        source: 'ITU',
        title: 'Speech',
        chunks: [
          { text: 'All stakeholders should govern the network together.', scores: { gov: s(0.8, 0.9, 'multi'), sec: s(0.4, 0.8, 'rights') }, vector: [1, 0, 0] },
          { text: 'Civil society needs a seat at the table of governance.', scores: { gov: s(0.6, 0.8, 'multi'), sec: s(0.3, 0.7, 'rights') }, vector: [0.8, 0.2, 0] },
          { text: 'Technical bodies keep the network running every day.', scores: { gov: s(0.5, 0.7, 'multi'), sec: s(0.2, 0.6, 'rights') }, vector: [0.5, 0.5, 0] },
        ],
      },
      {
        source: 'Cuba forum',
        title: 'Declaration',
        chunks: [
          { text: 'States hold sovereignty over their national Internet space.', scores: { gov: s(-0.9, 0.9, 'state'), sec: s(-0.6, 0.8, 'security') }, vector: [0, 0, 1] },
          { text: 'No state may interfere in the cyberspace of another state.', scores: { gov: s(-0.7, 0.8, 'state'), sec: s(-0.4, 0.7, 'security') }, vector: [0, 0.3, 0.9] },
          { text: 'The United Nations is the right forum for these rules.', scores: { gov: s(-0.5, 0.7, 'state'), sec: s(-0.2, 0.6, 'security') }, vector: [0.2, 0.2, 0.9] },
        ],
      },
      { source: 'ITU', title: 'Broken upload', status: 'failed', error: 'model exploded', chunks: [{ text: 'This document failed to process for a test.' }] },
    ],
  });
  const env = { db: tmp.database.db, config: fixture.models, axes: FIXTURE_AXES, embedText: () => Promise.resolve(Float32Array.from([0, 0, 1])) };
  app = createApp({ env, config: { apiToken: TOKEN, maxDocBytes: 100_000 }, enqueue: () => Promise.resolve() });
});
afterAll(async () => {
  await cleanup();
});

type Operation = { parameters?: { name: string; in: string; required?: boolean }[]; requestBody?: unknown; operationId?: string };
type Paths = Record<string, Record<string, Operation>>;

// Values for required parameters, by name; a new required parameter without one fails the test, saying so.
const PARAMETER_VALUES = (): Record<string, string> => ({
  id: String(fixture.documents[0]?.id),
  source: 'ITU',
  axis: 'gov',
  pole: 'multi',
  chunk: String(fixture.chunkIds[0]),
  text: 'governance',
});

// A body for each route ("METHOD /path"), else for each method, that takes one; a request the
// route refuses still answers JSON, which is checked too.
const BODIES: Record<string, unknown> = {
  'post /documents': { text: 'A new document about Internet governance and all stakeholders.', source: 'ISOC', title: 'Posted', file_name: 'posted.txt' },
  patch: { title: 'A corrected title' },
  put: { title: 'A corrected title' },
};

// Reads first, then writes, deletes last: every route answers with the fixture still there.
const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete'];

function operations(): { method: string; path: string; op: Operation }[] {
  const paths = openApiDocument({ maxBodyBytes: 1000, tokenRequired: true }).paths as Paths;
  return Object.entries(paths)
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method, path, op })))
    .sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
}

function requestFor(path: string, op: Operation): string {
  const values = PARAMETER_VALUES();
  const query = new URLSearchParams();
  let url = path;
  for (const p of op.parameters ?? []) {
    const required = p.required === true || p.in === 'path';
    // Without text, /similar answers for the chunk; give one of a pair of alternatives only.
    if (!required && !(p.name === 'chunk' && path === '/similar')) continue;
    const v = values[p.name];
    if (v === undefined) throw new Error(`no example value for required parameter "${p.name}" of ${path}: add one to PARAMETER_VALUES`);
    if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(v));
    else query.set(p.name, v);
  }
  return query.size ? `${url}?${query.toString()}` : url;
}

describe('one naming style: snake_case', () => {
  it('the OpenAPI document names every property, parameter and operation in snake_case', () => {
    const doc = openApiDocument({ maxBodyBytes: 1000, tokenRequired: true });
    const bad: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`));
      if (node === null || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      // Property names of the schemas are the JSON field names; everything else is OpenAPI's own vocabulary.
      if (o.properties && typeof o.properties === 'object') for (const k of Object.keys(o.properties)) if (!isSnakeCase(k)) bad.push(`${path}.properties.${k}`);
      if (typeof o.operationId === 'string' && !isSnakeCase(o.operationId)) bad.push(`${path}.operationId=${o.operationId}`);
      if (typeof o.in === 'string' && typeof o.name === 'string' && !isSnakeCase(o.name)) bad.push(`${path}.name=${o.name}`);
      for (const [k, v] of Object.entries(o)) walk(v, `${path}.${k}`);
    };
    walk(doc, '$');
    expect(bad).toEqual([]);
  });

  it('every route answers with snake_case keys at any depth', { timeout: 60_000 }, async () => {
    const ops = operations();
    // The routes of the document are all here (a sanity check that the walk is not empty).
    expect(ops.map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual(expect.arrayContaining(['GET /compare', 'GET /status', 'POST /documents', 'GET /documents/{id}']));
    const offenders: string[] = [];
    for (const { method, path, op } of ops) {
      const url = requestFor(path, op);
      const body = op.requestBody ? JSON.stringify(BODIES[`${method} ${path}`] ?? BODIES[method] ?? {}) : undefined;
      const res = await app.request(url, {
        method: method.toUpperCase(),
        headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body } : {}),
      });
      expect(res.headers.get('content-type') ?? '', `${method} ${url}`).toContain('application/json');
      const json: unknown = await res.json();
      // A read that cannot find its example data answers 404 and proves little: reads must succeed.
      // A write may refuse a guessed body (400), but never fail (500); its answer is checked as well.
      expect(res.status, `${method.toUpperCase()} ${url}: ${JSON.stringify(json)}`).toBeLessThan(method === 'get' ? 400 : 500);
      // The OpenAPI document speaks OpenAPI's own vocabulary (operationId, additionalProperties); its field names are checked above.
      if (path !== '/openapi.json') offenders.push(...nonSnakeKeys(json, `${method.toUpperCase()} ${url}`));
    }
    expect(offenders).toEqual([]);
  });

  it('error answers use snake_case keys too', async () => {
    const res = await app.request('/compare?axis=nope&bogus=1');
    expect(res.status).toBe(400);
    expect(nonSnakeKeys(await res.json())).toEqual([]);
  });
});
