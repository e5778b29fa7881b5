import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDocuments } from '../../app/ingest.ts';
import { loadLocalInference, type Inference } from '../../app/inference.ts';
import { findAxisIds, NothingScoredError } from '../../app/lookup.ts';
import { processInline, queuedDocumentIds } from '../../app/run-inline.ts';
import { createStepContext } from '../../app/step-context.ts';
import { chunkIdsOf, embedChunks, scoreChunks } from '../../app/steps.ts';
import { queryRows, type Database } from '../../db/client.ts';
import { parseAxes, type Axis } from '../../pipeline/axes.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import { openTempPglite } from '../helpers/db.ts';
import { tinyModelSpec } from '../helpers/models.ts';
import { seedInputs } from '../helpers/seeds.ts';

let database: Database;
let cleanup: () => Promise<void>;
let inference: Inference;
const axes = loadAxesFile();

beforeAll(async () => {
  ({ database, cleanup } = await openTempPglite());
  inference = await loadLocalInference(tinyModelSpec());
});
afterAll(async () => {
  await inference.close();
  await cleanup();
});

const count = async (table: string) => (await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

describe('inline processing and rescoring on the embedded database', () => {
  it('processes the seed corpus, then rescoring a changed axis adds scores for its new version only', async () => {
    await ingestDocuments(database.db, seedInputs(), { maxDocBytes: 5_000_000 });
    const ctx = await createStepContext(database.db, inference, axes, { chunkTokens: 200 });
    const seen: number[] = [];
    const results = await processInline(ctx, await queuedDocumentIds(ctx), (p) => seen.push(p.documentsDone));
    expect(results.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(seen.at(-1)).toBe(5);
    const chunks = await count('chunks');
    expect(await count('embeddings')).toBe(chunks);
    expect(await count('stance_scores')).toBe(chunks * 2 * 2);

    // A new wording of one axis is a new axis version: nothing scored for it yet.
    const data = JSON.parse(JSON.stringify({ axes })) as { axes: Axis[] };
    data.axes[1]!.poles[1].hypotheses = [...data.axes[1]!.poles[1].hypotheses, 'Access to information online is a right.'];
    const changed = parseAxes(data, 'changed.json');
    expect(changed[1]!.version).not.toBe(axes[1]!.version);
    await expect(findAxisIds(database.db, [changed[1]!])).rejects.toThrow(NothingScoredError);

    const ctx2 = await createStepContext(database.db, inference, [changed[1]!], { chunkTokens: 200 });
    const docIds = (await queryRows<{ id: number }>(database.db, sql`select id from documents order by id`)).map((r) => r.id);
    const chunkIds = (await Promise.all(docIds.map((id) => chunkIdsOf(database.db, id)))).flat();
    expect(await embedChunks(ctx2, chunkIds)).toBe(0);
    expect(await scoreChunks(ctx2, chunkIds, 'nli')).toBe(chunks);
    expect(await scoreChunks(ctx2, chunkIds, 'prototype')).toBe(chunks);
    expect(await count('stance_scores')).toBe(chunks * 2 * 2 + chunks * 2);
    expect(await count('embeddings')).toBe(chunks);
    // Running it again is a no-op.
    expect(await scoreChunks(ctx2, chunkIds, 'nli')).toBe(0);
    expect((await findAxisIds(database.db, [changed[1]!])).size).toBe(1);
  });

  it('keeps chunks within the budget and quotable by their offsets', async () => {
    const rows = await queryRows<{ ok: boolean; tokens: number }>(
      database.db,
      sql`select substring(d.text from c.start + 1 for c."end" - c.start) = c.text as ok, c.token_count as tokens
          from chunks c join documents d on d.id = c.document_id`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.ok)).toBe(true);
    expect(Math.max(...rows.map((r) => r.tokens))).toBeLessThanOrEqual(200);
  });
});
