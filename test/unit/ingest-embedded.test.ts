import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestDocuments, type IngestInput } from '../../app/ingest.ts';
import { documentStatus } from '../../app/status.ts';
import type { Database } from '../../db/client.ts';
import { openTempPglite } from '../helpers/db.ts';
import { seedInputs } from '../helpers/seeds.ts';

// The embedded database is the default store of a user without a server: these tests run on it.
let database: Database;
let cleanup: () => Promise<void>;
const MAX = 5_000_000;

// A fresh store per test: every test states what it ingested, none sees another's documents.
beforeEach(async () => {
  ({ database, cleanup } = await openTempPglite());
});
afterEach(async () => cleanup());

describe('ingest on the embedded database', () => {
  it('stores the 5 seed documents from 3 sources, then finds them all duplicates', async () => {
    const first = await ingestDocuments(database.db, seedInputs(), { maxDocBytes: MAX });
    expect(first.map((o) => o.status)).toEqual(['created', 'created', 'created', 'created', 'created']);
    const status = await documentStatus(database.db);
    expect(status.map((s) => [s.source, s.total, s.by_status.queued])).toEqual([
      ['Cuba forum', 1, 1],
      ['ICT4Peace Foundation', 1, 1],
      ['ITU', 3, 3],
    ]);

    const again = await ingestDocuments(database.db, seedInputs(), { maxDocBytes: MAX });
    expect(again.map((o) => o.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(again.map((o) => (o.status === 'duplicate' ? o.documentId : 0))).toEqual(
      first.map((o) => (o.status === 'created' ? o.documentId : -1)),
    );
    expect((await documentStatus(database.db)).reduce((n, s) => n + s.total, 0)).toBe(5);
  });

  it('reports each bad input with its problem and still ingests the good ones in the same batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stance-bad-'));
    const write = (name: string, data: string | Uint8Array) => {
      writeFileSync(join(dir, name), data);
      return join(dir, name);
    };
    const meta = { source: 'Test source' };
    const inputs: IngestInput[] = [
      { file: write('empty.txt', ''), meta },
      { file: write('blank.txt', '  \n\n \t'), meta },
      { file: write('binary.txt', new Uint8Array([1, 2, 0, 3])), meta },
      { file: write('latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9])), meta },
      { file: write('big.txt', Buffer.alloc(MAX + 1, 'a')), meta },
      { file: write('slides.pdf', '%PDF-1.4'), meta },
      { file: join(dir, 'nowhere.txt'), meta },
      { file: write('nosource.txt', 'A text with no source given.'), meta: {} },
      { file: dir, meta },
      { file: write('good.txt', 'States and all stakeholders should cooperate on Internet governance.'), meta },
    ];
    const out = await ingestDocuments(database.db, inputs, { maxDocBytes: MAX });
    const problems = out.map((o) => (o.status === 'failed' ? o.problem : o.status));
    expect(problems).toEqual(['empty', 'empty', 'binary', 'invalid-utf8', 'too-large', 'unsupported-type', 'missing', 'bad-metadata', 'not-a-file', 'created']);
    const messages = out.map((o) => (o.status === 'failed' ? o.message : ''));
    expect(messages[6]).toMatch(/file not found/);
    expect(messages[7]).toMatch(/source.*--source/);
    const status = await documentStatus(database.db);
    expect(status.find((s) => s.source === 'Test source')?.total).toBe(1);
  });

  it('rejects a 50 MB document before reading it, and creates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stance-huge-'));
    const file = join(dir, 'huge.txt');
    writeFileSync(file, Buffer.alloc(50 * 1024 * 1024, 'word '));
    const [o] = await ingestDocuments(database.db, [{ file, meta: { source: 'Huge' } }], { maxDocBytes: MAX });
    expect(o?.status === 'failed' && o.message).toMatch(/52\.4 MB, over the limit of 5\.0 MB/);
    expect((await documentStatus(database.db)).some((s) => s.source === 'Huge')).toBe(false);
  });

  it('does not create the source a duplicate was offered under', async () => {
    await ingestDocuments(database.db, seedInputs(), { maxDocBytes: MAX });
    const [o] = await ingestDocuments(database.db, [{ ...seedInputs()[0]!, meta: { source: 'Copycat' } }], { maxDocBytes: MAX });
    expect(o).toMatchObject({ status: 'duplicate', source: 'ITU' });
    expect((await documentStatus(database.db)).some((s) => s.source === 'Copycat')).toBe(false);
    const rows = await database.db.query.sources.findMany();
    expect(rows.some((r) => r.name === 'Copycat')).toBe(false);
  });

  it('keeps the metadata given with a document', async () => {
    const [o] = await ingestDocuments(
      database.db,
      [{ file: 'note.md', content: '# Note\n\nA short *note* on sovereignty.', meta: { source: 'Meta test', title: 'A note', date: '2020-05', url: 'https://example.org/n', language: 'en', kind: 'note', actor: 'Someone' } }],
      { maxDocBytes: MAX },
    );
    expect(o?.status).toBe('created');
    const row = await database.db.query.documents.findFirst({ where: (d, { eq }) => eq(d.id, o?.status === 'created' ? o.documentId : -1) });
    expect(row).toMatchObject({ title: 'A note', date: '2020-05', url: 'https://example.org/n', language: 'en', kind: 'note', actor: 'Someone', format: 'markdown', text: 'Note\n\nA short note on sovereignty.', status: 'queued' });
  });
});
