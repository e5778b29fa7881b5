// The NLI cascade on the synthetic fp32 models: a gated run stores the same labels as an ungated
// run, the pole results of the chunks that pass unchanged, and its own scorer version.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDocuments } from '../../app/ingest.ts';
import { loadLocalInference, type Inference } from '../../app/inference.ts';
import { processInline, unfinishedDocumentIds } from '../../app/run-inline.ts';
import { createStepContext } from '../../app/step-context.ts';
import { chunkIdsOf, scoreChunks } from '../../app/steps.ts';
import { queryRows, type Database } from '../../db/client.ts';
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

interface Row {
  chunk_id: number;
  axis: string;
  label: string;
  relevance: number;
  prob_a: number;
  prob_b: number;
  details: Record<string, unknown> | null;
}

const rowsOf = async (scorerId: number) =>
  queryRows<Row>(
    database.db,
    sql`select ss.chunk_id, a.slug as axis, ss.label, ss.relevance, ss.prob_a, ss.prob_b, ss.details
        from stance_scores ss join axes a on a.id = ss.axis_id where ss.scorer_id = ${scorerId} order by 1, 2`,
  );

describe('the NLI cascade (fp32 synthetic models, embedded store)', () => {
  it('stores the ungated labels, with the chunks below the gate marked, under a scorer version of its own', async () => {
    await ingestDocuments(database.db, seedInputs(), { maxDocBytes: 5_000_000 });
    const ungatedCtx = await createStepContext(database.db, inference, axes, { chunkTokens: 200 });
    await processInline(ungatedCtx, await unfinishedDocumentIds(ungatedCtx.db));
    const ungated = await rowsOf(ungatedCtx.registry.scorerIds.nli!);
    expect(ungated.length).toBeGreaterThan(20);

    // A gate between the ungated relevances, so that some (chunk, axis) pairs pass and some do not;
    // which ones is predicted from the ungated run: relevance below fraction x threshold.
    // The gate sits midway between two neighbouring stored relevances, away from any of them.
    const relevances = [...new Set(ungated.map((r) => r.relevance))].sort((a, b) => a - b);
    const mid = Math.floor(relevances.length / 2);
    const between = (relevances[mid - 1]! + relevances[mid]!) / 2;
    const threshold = axes[0]!.thresholds.relevance;
    expect(axes.every((a) => a.thresholds.relevance === threshold)).toBe(true);
    expect(between).toBeLessThan(threshold);
    const fraction = Number((between / threshold).toFixed(6));
    const gateAt = fraction * threshold;
    const expectGated = (r: Row) => r.relevance < gateAt;
    expect(ungated.some(expectGated)).toBe(true);
    expect(ungated.some((r) => !expectGated(r))).toBe(true);

    const gatedCtx = await createStepContext(database.db, inference, axes, { chunkTokens: 200, nliGate: { fraction } });
    expect(gatedCtx.registry.scorerIds.nli).not.toBe(ungatedCtx.registry.scorerIds.nli);
    expect(gatedCtx.registry.scorerKeys.nli).toBe(`${ungatedCtx.registry.scorerKeys.nli}:gate=${fraction}`);
    const docIds = (await queryRows<{ id: number }>(database.db, sql`select id from documents order by id`)).map((r) => r.id);
    const chunkIds = (await Promise.all(docIds.map((id) => chunkIdsOf(database.db, id)))).flat();
    expect(await scoreChunks(gatedCtx, chunkIds, 'nli')).toBe(chunkIds.length);
    const gated = await rowsOf(gatedCtx.registry.scorerIds.nli!);

    expect(gated.map((r) => [r.chunk_id, r.axis])).toEqual(ungated.map((r) => [r.chunk_id, r.axis]));
    gated.forEach((g, i) => {
      const u = ungated[i]!;
      expect(g.label).toBe(u.label);
      expect(g.relevance).toBeCloseTo(u.relevance, 5);
      if (expectGated(u)) {
        expect(g).toMatchObject({ label: 'irrelevant', prob_a: 0, prob_b: 0, details: { gated: true } });
      } else {
        expect(g.details).toBeNull();
        expect(g.prob_a).toBeCloseTo(u.prob_a, 5);
        expect(g.prob_b).toBeCloseTo(u.prob_b, 5);
      }
    });
  });
});
