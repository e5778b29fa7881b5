import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDocuments } from '../../app/ingest.ts';
import type { Db } from '../../db/client.ts';
import { createApp } from '../../server/app.ts';
import { documentCases, firstPerKind, withGoodBetween } from '../../bench/hostile-cases.ts';
import { checkHttpCase, httpDocumentBody, httpExtraCases } from '../../bench/hostile-http.ts';
import { Tally } from '../../bench/hostile-tally.ts';
import { openTempPglite } from '../helpers/db.ts';

// The reduced hostile-input harness (bench/hostile.ts runs 500+): two cases of each kind through
// the library function and the HTTP app, good documents between them.
const SECRET = 'HOSTILEsecret';
const TOKEN = 'unit-token';
const MAX = 200_000;
let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const tmp = await openTempPglite();
  db = tmp.database.db;
  cleanup = tmp.cleanup;
});
afterAll(async () => cleanup());

const noFailures = (tally: Tally) => {
  const s = tally.summary();
  if (s.total_failures > 0) console.error(JSON.stringify(s.examples, null, 1));
  expect(s.examples).toEqual({});
  expect(s.total_failures).toBe(0);
  return s;
};

describe('hostile inputs, two per kind', () => {
  it('through ingestDocuments: every input gets an outcome, as expected, and the good ones are created', async () => {
    const tally = new Tally(SECRET);
    const cases = withGoodBetween('unit-lib', firstPerKind(documentCases('unit-lib', MAX), 2), 4);
    expect(cases.length).toBeGreaterThanOrEqual(60);
    const outcomes = await ingestDocuments(db, cases.map((c) => ({ file: c.file, content: c.content, meta: c.meta })), { maxDocBytes: MAX });
    tally.batch('library', cases, outcomes.map((o) => ({ status: o.status, message: o.status === 'failed' ? o.message : '' })), JSON.stringify(outcomes));
    expect(noFailures(tally).inputs_per_entrance).toEqual({ library: cases.length });
  });

  it('through POST /documents: no 500, 4xx for refused inputs, good ones created', async () => {
    // No queue: the queue path and the redaction of its errors are the server security tests' part.
    const app = createApp({ env: { db, config: { nliModel: 'n', embedModel: 'e', dtype: 'q8' }, axes: [] }, config: { apiToken: TOKEN, maxDocBytes: MAX } });
    const tally = new Tally(SECRET);
    const docs = withGoodBetween('unit-http', firstPerKind(documentCases('unit-http', MAX), 2), 4).map((c) => httpDocumentBody(c, TOKEN));
    // Body and auth cases; content types, ids and query parameters belong to the server's own tests.
    const extra = firstPerKind(httpExtraCases(TOKEN, MAX, 'unit-http-extra').filter((c) => ['malformed-json', 'too-large', 'auth'].includes(c.kind)), 2);
    const deep = httpExtraCases(TOKEN, MAX, 'unit-http-deep').filter((c) => /deep/.test(c.name));
    for (const c of [...docs, ...extra, ...deep]) {
      const res = await app.request(c.path, { method: c.method, headers: c.headers, body: c.body });
      checkHttpCase(tally, c, res.status, await res.text());
    }
    expect(noFailures(tally).inputs_per_entrance.http).toBeGreaterThanOrEqual(50);
  });
});
