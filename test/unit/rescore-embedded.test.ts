import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ingestDocuments } from '../../app/ingest.ts';
import { loadLocalInference, type Inference } from '../../app/inference.ts';
import { findAxisIds, findConfiguredScorer, findScorer, NothingScoredError } from '../../app/lookup.ts';
import { saveThresholdProfile } from '../../app/eval-threshold-profiles.ts';
import { processInline, unfinishedDocumentIds } from '../../app/run-inline.ts';
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

/** A store with the seed corpus ingested and processed inline with the tiny models. */
async function processedStore(): Promise<{ database: Database; cleanup: () => Promise<void> }> {
  const tmp = await openTempPglite();
  await ingestDocuments(tmp.database.db, seedInputs(), { maxDocBytes: 5_000_000 });
  const ctx = await createStepContext(tmp.database.db, inference, axes, { chunkTokens: 200 });
  await processInline(ctx, await unfinishedDocumentIds(ctx.db));
  return tmp;
}

// The processed store the read-only tests share; a test that writes (rescoring, profiles) builds its own.
beforeAll(async () => {
  inference = await loadLocalInference(tinyModelSpec());
  ({ database, cleanup } = await processedStore());
}, 240_000);
afterAll(async () => {
  await inference.close();
  await cleanup();
});

const count = async (database: Database, table: string) => (await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

describe('inline processing and rescoring on the embedded database', () => {
  it('processes the seed corpus, then rescoring a changed axis adds scores for its new version only', async () => {
    const { database, cleanup } = await openTempPglite();
    onTestFinished(cleanup);
    await ingestDocuments(database.db, seedInputs(), { maxDocBytes: 5_000_000 });
    const ctx = await createStepContext(database.db, inference, axes, { chunkTokens: 200 });
    const seen: number[] = [];
    const results = await processInline(ctx, await unfinishedDocumentIds(ctx.db), (p) => seen.push(p.documentsDone));
    expect(results.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(seen.at(-1)).toBe(5);
    const chunks = await count(database, 'chunks');
    expect(await count(database, 'embeddings')).toBe(chunks);
    // Every scorer of a run with models: nli, prototype, lexicon and the shipped trained model
    // and ensemble (config/trained/), on 2 axes.
    expect(Object.keys(ctx.registry.scorerIds).sort()).toEqual(['ensemble:default', 'lexicon', 'nli', 'prototype', 'trained:default']);
    expect(await count(database, 'stance_scores')).toBe(chunks * 2 * 5);

    // A new wording of one axis is a new axis version: nothing scored for it yet.
    const data = JSON.parse(JSON.stringify({ axes: axes.map(({ version: _v, ...definition }) => definition) })) as { axes: Axis[] };
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
    expect(await scoreChunks(ctx2, chunkIds, 'lexicon')).toBe(chunks);
    expect(await count(database, 'stance_scores')).toBe(chunks * 2 * 5 + chunks * 3);
    expect(await count(database, 'embeddings')).toBe(chunks);
    // Running it again is a no-op.
    expect(await scoreChunks(ctx2, chunkIds, 'nli')).toBe(0);
    expect((await findAxisIds(database.db, [changed[1]!])).size).toBe(1);
  });

  it('labels with a threshold profile under a scorer version of its own, and compare picks it only when asked', async () => {
    const { database, cleanup } = await processedStore();
    onTestFinished(cleanup);
    const base = { thresholds: { relevance: 0.01, margin: 0.0001 }, temperature: 1 };
    await saveThresholdProfile(database.db, {
      name: 'lenient',
      scorer: 'prototype',
      axes: Object.fromEntries(axes.map((a) => [a.slug, { ...base.thresholds, temperature: 1 }])),
      axisVersions: Object.fromEntries(axes.map((a) => [a.slug, a.version])),
      models: { embed: { ...inference.embedModel }, nli: { ...inference.nliModel } } as never,
      setHash: 'test',
      setFile: 'test.jsonl',
      fit: {},
    });
    const ctx = await createStepContext(database.db, inference, axes, { chunkTokens: 200, thresholdProfile: 'lenient' });
    expect(ctx.registry.scorerKeys.prototype).toMatch(/:profile=lenient@[0-9a-f]{8}$/);
    expect(ctx.registry.scorerKeys.nli).not.toMatch(/profile/);
    const chunkIds = (await queryRows<{ id: number }>(database.db, sql`select id from chunks order by id`)).map((r) => r.id);
    expect(await scoreChunks(ctx, chunkIds, 'prototype')).toBe(chunkIds.length);
    expect(await scoreChunks(ctx, chunkIds, 'nli')).toBe(0);
    // With relevance >= 0.01 and margin 0.0001, hardly anything is irrelevant or neutral any more.
    const labels = await queryRows<{ label: string; n: number }>(
      database.db,
      sql`select ss.label, count(*)::int as n from stance_scores ss join scorers s on s.id = ss.scorer_id where s.key = ${ctx.registry.scorerKeys.prototype} group by 1`,
    );
    const plain = await queryRows<{ label: string; n: number }>(
      database.db,
      sql`select ss.label, count(*)::int as n from stance_scores ss join scorers s on s.id = ss.scorer_id where s.kind = 'prototype' and s.key not like '%profile%' and ss.axis_id in ${[...ctx.registry.axisIds.values()]} group by 1`,
    );
    const irrelevant = (rows: { label: string; n: number }[]) => rows.find((r) => r.label === 'irrelevant')?.n ?? 0;
    expect(irrelevant(labels)).toBeLessThan(irrelevant(plain));
    const model = inference.embedModel.name;
    const config = { embedModel: model, nliModel: inference.nliModel.name, dtype: 'fp32' as const, thresholdProfile: 'lenient' };
    // The profile's scorer version for the scorer it was fitted for, the plain one for the other.
    expect((await findConfiguredScorer(database.db, config, 'prototype')).key).toBe(ctx.registry.scorerKeys.prototype);
    expect((await findConfiguredScorer(database.db, config, 'prototype')).profileThresholds?.security_rights?.relevance).toBe(0.01);
    expect((await findConfiguredScorer(database.db, config, 'nli')).key).toBe(ctx.registry.scorerKeys.nli);
    expect((await findScorer(database.db, 'prototype', model, 'fp32')).key).not.toMatch(/profile/);
    // Replacing the profile's numbers under the same name makes a new scorer version.
    await saveThresholdProfile(
      database.db,
      { name: 'lenient', scorer: 'prototype', axes: Object.fromEntries(axes.map((a) => [a.slug, { relevance: 0.02, margin: 0.0001, temperature: 1 }])), axisVersions: {}, models: { embed: { ...inference.embedModel }, nli: { ...inference.nliModel } } as never, setHash: 't', setFile: 't', fit: {} },
      { replace: true },
    );
    const replaced = await createStepContext(database.db, inference, axes, { chunkTokens: 200, thresholdProfile: 'lenient' });
    expect(replaced.registry.scorerKeys.prototype).not.toBe(ctx.registry.scorerKeys.prototype);
    expect(await scoreChunks(replaced, chunkIds, 'prototype')).toBe(chunkIds.length);
    await expect(createStepContext(database.db, inference, axes, { chunkTokens: 200, thresholdProfile: 'missing' })).rejects.toThrow(/missing/);
  }, 240_000); // processes the seed corpus into a store of its own first

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
