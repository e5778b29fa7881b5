// The inline runner overlaps a batch's store with the next batch's inference (one batch ahead):
// the rows are those of running every step one after another, the overlap is bounded, and a
// failing store fails its own document only.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ingestDocuments } from '../../app/ingest.ts';
import { chunkBudget, loadLocalInference, type Inference } from '../../app/inference.ts';
import { processInline, unfinishedDocumentIds } from '../../app/run-inline.ts';
import { createStepContext } from '../../app/step-context.ts';
import { chunkDocument, embedChunks, finishDocument, runScorerNames, scoreChunks } from '../../app/steps.ts';
import { queryRows, type Database } from '../../db/client.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import { prototypeSentences } from '../../pipeline/prototype-score.ts';
import { openTempPglite } from '../helpers/db.ts';
import { tinyModelSpec } from '../helpers/models.ts';
import { seedInputs } from '../helpers/seeds.ts';

const axes = loadAxesFile();
let inference: Inference;
beforeAll(async () => {
  inference = await loadLocalInference(tinyModelSpec());
}, 120_000);
afterAll(async () => inference?.close());

async function seededStore(): Promise<Database> {
  const { database, cleanup } = await openTempPglite();
  onTestFinished(cleanup);
  await ingestDocuments(database.db, seedInputs(), { maxDocBytes: 5_000_000 });
  return database;
}

/** Every stored result, keyed by content (document, ordinal, ...), not by the ids the run happened to get. */
async function contentOf(database: Database) {
  const q = async (text: string) => queryRows<Record<string, unknown>>(database.db, sql.raw(text));
  return {
    documents: await q(`select id, status, error from documents order by id`),
    chunks: await q(`select document_id, ordinal, start, "end", text from chunks order by 1, 2`),
    embeddings: await q(`select c.document_id, c.ordinal, e.vector from embeddings e join chunks c on c.id = e.chunk_id order by 1, 2`),
    scores: await q(`select c.document_id, c.ordinal, a.slug, sc.key, s.label, s.score, s.relevance, s.prob_a, s.prob_b, s.details
                     from stance_scores s join chunks c on c.id = s.chunk_id join axes a on a.id = s.axis_id join scorers sc on sc.id = s.scorer_id
                     order by 1, 2, 3, 4`),
  };
}

/** Inference whose nliScores can be held until the test lets it go, counting the calls. */
function gatedInference(inner: Inference) {
  const calls: { op: 'embed' | 'nli'; texts: string[] }[] = [];
  let hold: Promise<void> | undefined;
  let release = () => {};
  const wrapped: Inference = {
    ...inner,
    embed: async (texts) => {
      calls.push({ op: 'embed', texts });
      return inner.embed(texts);
    },
    nliScores: async (texts, a, o) => {
      calls.push({ op: 'nli', texts });
      if (hold) await hold;
      return inner.nliScores(texts, a, o);
    },
  };
  return {
    inference: wrapped,
    calls,
    holdNli: () => (hold = new Promise<void>((r) => (release = r))),
    releaseNli: () => {
      hold = undefined;
      release();
    },
  };
}

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('processInline with batches overlapping', () => {
  it('stores what the steps store run one after another, document by document', async () => {
    const sequential = await seededStore();
    const seqCtx = await createStepContext(sequential.db, inference, axes, { chunkTokens: 16 });
    const budget = chunkBudget(16, inference.nliModel.maxTokens);
    for (const id of await unfinishedDocumentIds(sequential.db)) {
      const ids = await chunkDocument(seqCtx, id, budget);
      for (let i = 0; i < ids.length; i += 32) {
        await embedChunks(seqCtx, ids.slice(i, i + 32));
        for (const name of runScorerNames(seqCtx)) await scoreChunks(seqCtx, ids.slice(i, i + 32), name);
      }
      expect(await finishDocument(seqCtx, id)).toBe('done');
    }

    const overlapped = await seededStore();
    const ctx = await createStepContext(overlapped.db, inference, axes, { chunkTokens: 16 });
    const seen: { documentsDone: number; chunksDone: number; chunksTotal: number }[] = [];
    const results = await processInline(ctx, await unfinishedDocumentIds(overlapped.db), (p) => seen.push(p));
    expect(results.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    const expected = await contentOf(sequential);
    // Small chunks: two batches in some documents, so batches of one document overlap too.
    const perDocument = new Map<unknown, number>();
    for (const c of expected.chunks) perDocument.set(c.document_id, (perDocument.get(c.document_id) ?? 0) + 1);
    expect([...perDocument.values()].filter((n) => n > 32).length).toBeGreaterThan(0);
    expect(await contentOf(overlapped)).toEqual(expected);
    expect(results.reduce((n, r) => n + r.chunks, 0)).toBe(expected.chunks.length);
    const last = seen.at(-1);
    expect(last).toMatchObject({ documentsDone: 5, chunksDone: expected.chunks.length, chunksTotal: expected.chunks.length });
    // Progress only grows.
    seen.slice(1).forEach((p, i) => expect(p.chunksDone).toBeGreaterThanOrEqual(seen[i]!.chunksDone));
  }, 240_000);

  it('starts the next batch while one is scored, and never more than one ahead', async () => {
    const database = await seededStore();
    const gated = gatedInference(inference);
    const ctx = await createStepContext(database.db, gated.inference, axes, { chunkTokens: 200 });
    const ids = await unfinishedDocumentIds(database.db);
    void gated.holdNli();
    const run = processInline(ctx, ids);
    // The first batch waits in NLI; the second (the next document's) gets as far as NLI too...
    await waitFor(() => gated.calls.filter((c) => c.op === 'nli').length === 2);
    // ...and a third does not start: no third chunk embedding while the two are held (the
    // prototype scorer also embeds its pole sentences, once: those calls are not batches).
    const prototypes = new Set(axes.flatMap((a) => Object.values(prototypeSentences(a)).flat()));
    const chunkEmbeds = () => gated.calls.filter((c) => c.op === 'embed' && !c.texts.every((t) => prototypes.has(t)));
    await new Promise((r) => setTimeout(r, 200));
    expect(chunkEmbeds().length).toBe(2);
    expect(gated.calls.filter((c) => c.op === 'nli').length).toBe(2);
    gated.releaseNli();
    const results = await run;
    expect(results.map((r) => r.documentId)).toEqual(ids);
    expect(results.every((r) => r.status === 'done')).toBe(true);
  }, 120_000);

  it('marks failed only the document whose store fails, while the batches around it succeed', async () => {
    const { database, cleanup } = await openTempPglite();
    onTestFinished(cleanup);
    // Second of three, and long: several batches of its own, which must stop at the failure.
    const seeds = seedInputs();
    const text = (i: number) => readFileSync(seeds[i]!.file, 'utf8');
    const long = { file: 'long.txt', content: [2, 3, 4].map(text).join('\n\n'), meta: { source: 'Long', title: 'three seeds in one' } };
    await ingestDocuments(database.db, [seeds[0]!, long, seeds[1]!], { maxDocBytes: 5_000_000 });
    const ids = await unfinishedDocumentIds(database.db);
    expect(ids).toHaveLength(3);
    const victim = ids[1]!;
    // A real failing store: the database refuses the NLI rows of one document's chunks.
    await database.db.execute(
      sql.raw(`create function refuse_victim() returns trigger language plpgsql as $$
        begin
          if (select document_id from chunks where id = new.chunk_id) = ${victim}
             and (select kind from scorers where id = new.scorer_id) = 'nli' then
            raise exception 'store refused for document ${victim}';
          end if;
          return new;
        end $$`),
    );
    await database.db.execute(sql.raw(`create trigger refuse_victim before insert on stance_scores for each row execute function refuse_victim()`));
    const ctx = await createStepContext(database.db, inference, axes, { chunkTokens: 16 });
    const results = await processInline(ctx, ids);
    const refused = expect.stringContaining(`store refused for document ${victim}`);
    expect(results.map((r) => [r.documentId, r.status, r.error])).toEqual(ids.map((id) => [id, id === victim ? 'failed' : 'done', id === victim ? refused : undefined]));
    const docs = await queryRows<{ id: number; status: string; error: string | null }>(database.db, sql`select id, status, error from documents order by id`);
    expect(docs.map((d) => [d.id, d.status])).toEqual(ids.map((id) => [id, id === victim ? 'failed' : 'done']));
    expect(docs[1]?.error).toMatch('store refused');
    // The other documents are complete: every chunk has its embedding and its rows of every scorer.
    const perDoc = await queryRows<{ document_id: number; chunks: number; embedded: number; scores: number }>(
      database.db,
      sql`select c.document_id, count(*)::int as chunks,
                 count(*) filter (where exists (select 1 from embeddings e where e.chunk_id = c.id))::int as embedded,
                 (select count(*)::int from stance_scores s join chunks c2 on c2.id = s.chunk_id where c2.document_id = c.document_id) as scores
          from chunks c group by c.document_id order by 1`,
    );
    const scorers = Object.keys(ctx.registry.scorerIds).length;
    for (const d of perDoc.filter((d) => d.document_id !== victim)) {
      expect(d.embedded).toBe(d.chunks);
      expect(d.scores).toBe(d.chunks * axes.length * scorers);
    }
    // The failing document stopped: its first batch failed, and at most the one batch already in
    // flight beside it ran on; none after that started.
    const v = perDoc.find((d) => d.document_id === victim)!;
    expect(v.chunks).toBeGreaterThan(3 * 32);
    expect(v.embedded).toBeLessThanOrEqual(2 * 32);
  }, 240_000);
});
