import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDocuments, type IngestInput } from '../../app/ingest.ts';
import type { Db } from '../../db/client.ts';
import { createApp } from '../../server/app.ts';
import { openTempPglite } from '../helpers/db.ts';

// One bad item must become that item's outcome; the items after it are still stored.
let db: Db;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof createApp>;
const MAX = 5_000_000;
const STACK_LINE = /\n\s+at /;

const deepHtml = (depth: number) => `${'<div>'.repeat(depth)}A deeply nested page.${'</div>'.repeat(depth)}`;
const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

beforeAll(async () => {
  const tmp = await openTempPglite();
  db = tmp.database.db;
  cleanup = tmp.cleanup;
  app = createApp({ env: { db, config: { nliModel: 'n', embedModel: 'e', dtype: 'q8' }, axes: [] }, config: { apiToken: undefined, maxDocBytes: MAX } });
});
afterAll(async () => cleanup());

describe('ingestDocuments isolates every item', () => {
  it('turns deep HTML, a 5 KB source, deep metadata and a thrown error into failed outcomes and stores the rest', async () => {
    const source5k = Array.from({ length: 5_000 }, (_, i) => String.fromCharCode(0x41 + ((i * 7919) % 26))).join('');
    const inputs: IngestInput[] = [
      { file: 'first.txt', content: 'The first good text about Internet governance.', meta: { source: 'Good' } },
      { file: 'deep.html', content: deepHtml(3_000), meta: { source: 'Good' } },
      { file: 'long-source.txt', content: 'A text offered under a very long source.', meta: { source: source5k } },
      { file: 'deep-meta.txt', content: 'A text with deeply nested metadata.', meta: { source: 'Good', metadata: JSON.parse(deepJson(5_000)) } },
      { file: 'utf16.txt', content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('A UTF-16 text with a byte-order mark.', 'utf16le')]), meta: { source: 'Good' } },
      { file: 'last.txt', content: 'The last good text, after all the bad ones.', meta: { source: 'Good' } },
    ];
    const out = await ingestDocuments(db, inputs, { maxDocBytes: MAX });
    expect(out.map((o) => o.file)).toEqual(inputs.map((i) => i.file));
    expect(out.map((o) => (o.status === 'failed' ? o.problem : o.status))).toEqual(['created', 'too-deep', 'bad-metadata', 'bad-metadata', 'created', 'created']);
    const messages = out.map((o) => (o.status === 'failed' ? o.message : ''));
    expect(messages[1]).toMatch(/nested more than 512 elements deep; the limit is 512/);
    expect(messages[2]).toMatch(/source is 5000 characters long; the limit is 200/);
    expect(messages[3]).toMatch(/metadata is nested more than 8 levels deep/);
    for (const m of messages) expect(m).not.toMatch(STACK_LINE);
  });

  it('reports an exception thrown while storing as that item\'s failure, without SQL, and goes on', async () => {
    // A database that fails the second transaction the way drizzle does: the SQL in the message, the cause below.
    let calls = 0;
    const failing = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop !== 'transaction') return Reflect.get(target, prop, receiver);
        return (...args: unknown[]) => {
          calls++;
          if (calls === 2) {
            const cause = Object.assign(new Error('index row size 5016 exceeds btree version 4 maximum 2704 for index "sources_name_unique"'), { code: '54000' });
            return Promise.reject(Object.assign(new Error('Failed query: insert into "sources" ("name") values ($1)\nparams: secret'), { cause }));
          }
          if (calls === 3) return Promise.reject(new TypeError('something nobody expected'));
          return (target.transaction as (...a: unknown[]) => unknown)(...args);
        };
      },
    });
    const texts = ['Before the failure.', 'The item whose insert fails.', 'The item that meets a bug.', 'After the failures.'];
    const out = await ingestDocuments(failing, texts.map((t, i) => ({ file: `t${i}.txt`, content: t, meta: { source: 'Proxy' } })), { maxDocBytes: MAX });
    expect(out.map((o) => (o.status === 'failed' ? o.problem : o.status))).toEqual(['created', 'storage', 'unexpected', 'created']);
    const [, storage, unexpected] = out.map((o) => (o.status === 'failed' ? o.message : ''));
    expect(storage).toMatch(/too long for the database index.*\(database error 54000\)/);
    expect(unexpected).toMatch(/unexpected error while ingesting \(TypeError: something nobody expected\)/);
    for (const m of [storage, unexpected]) {
      expect(m).not.toMatch(/insert into|params:|secret/);
      expect(m).not.toMatch(STACK_LINE);
    }
  });
});

describe('POST /documents answers 4xx for bad documents, never 500', () => {
  const post = (body: string) => app.request('/documents', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const doc = (fields: Record<string, unknown>) => JSON.stringify({ text: 'Some text about Internet governance.', source: 'HTTP', ...fields });

  it('refuses deep HTML, deep metadata, a long source, impossible dates and javascript: URLs with the reason', async () => {
    const cases: [string, number, RegExp][] = [
      [doc({ text: deepHtml(3_000), format: 'html' }), 422, /nested more than 512 elements deep/],
      [`{"text": "x", "source": "S", "metadata": ${deepJson(5_000)}}`, 400, /nested more than 8 levels deep/],
      [doc({ source: 'S'.repeat(3_000) }), 400, /source is 3000 characters long; the limit is 200/],
      [doc({ date: '2013-13-45' }), 400, /month 13 does not exist/],
      [doc({ date: '2020-02-30' }), 400, /day 30 does not exist/],
      [doc({ url: 'javascript:alert(1)' }), 400, /http or https/],
      [doc({ metadata: { big: 'x'.repeat(20_000) } }), 400, /metadata is \d+ bytes as JSON; the limit is 16384/],
      ['['.repeat(100_000), 400, /body must be a JSON object/],
    ];
    for (const [body, status, message] of cases) {
      const res = await post(body);
      const json = (await res.json()) as { error: string };
      expect({ status: res.status, error: json.error }).toEqual({ status, error: expect.stringMatching(message) });
    }
    const ok = await post(doc({ date: '2020-02-29', url: 'https://example.org/a' }));
    expect(ok.status).toBe(201);
  });
});
