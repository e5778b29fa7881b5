import { and, eq, inArray } from 'drizzle-orm';
import { embeddings } from '../../db/schema/index.ts';
import type { Axis } from '../../pipeline/axes.ts';
import { prototypeAxisScore, prototypeSentences, prototypesFrom, type AxisPrototypes } from '../../pipeline/prototype-score.ts';
import type { AxisScore } from '../../pipeline/stance-score.ts';
import type { Inference } from '../inference.ts';
import type { StepContext } from '../steps.ts';

const prototypeCache = new WeakMap<Inference, Map<string, Promise<AxisPrototypes>>>();

/**
 * Pole prototypes of an axis version, embedded once per process. The promise is what is kept, so
 * batches scored at once (the inline runner overlaps them) embed the prototypes once between them.
 */
function prototypesFor(inference: Inference, axis: Axis): Promise<AxisPrototypes> {
  let cache = prototypeCache.get(inference);
  if (!cache) prototypeCache.set(inference, (cache = new Map()));
  const hit = cache.get(axis.version);
  if (hit) return hit;
  const made = (async () => {
    const s = prototypeSentences(axis);
    const vecs = await inference.embed([...s.a, ...s.b, ...s.relevance]);
    return prototypesFrom({
      a: vecs.slice(0, s.a.length),
      b: vecs.slice(s.a.length, s.a.length + s.b.length),
      relevance: vecs.slice(s.a.length + s.b.length),
    });
  })();
  cache.set(axis.version, made);
  // A failed embedding is not kept: the next batch tries again.
  made.catch(() => cache.delete(axis.version));
  return made;
}

/** Prototype scores of chunks from their stored embeddings: scores[chunk][axis]. */
export async function prototypeScoresOfChunks(ctx: StepContext, chunkIds: number[]): Promise<AxisScore[][]> {
  const inference = ctx.inference;
  const modelId = ctx.registry.embedModelId;
  if (!inference || modelId === undefined) throw new Error('the prototype scorer needs the embedding model, which is not loaded');
  const rows = await ctx.db
    .select({ chunkId: embeddings.chunkId, vector: embeddings.vector })
    .from(embeddings)
    .where(and(inArray(embeddings.chunkId, chunkIds), eq(embeddings.modelId, modelId)));
  const byChunk = new Map(rows.map((r) => [r.chunkId, Float32Array.from(r.vector)]));
  const protos = await Promise.all(ctx.axes.map((a) => prototypesFor(inference, a)));
  return chunkIds.map((id) => {
    const v = byChunk.get(id);
    // The prototype scorer reads stored embeddings; the embed step must have run first.
    if (!v) throw new Error(`chunk ${id} has no embedding for the current model yet`);
    return ctx.axes.map((axis, x) => prototypeAxisScore(v, protos[x] as AxisPrototypes, axis, ctx.calibration?.prototype?.thresholds[axis.slug]));
  });
}
