import { loadLocalInference, type Inference, type InferenceMember, type InferenceSpec } from '../app/inference.ts';
import type { Axis } from '../pipeline/axes.ts';
import { startInferenceMember } from './inference-client.ts';
import { createScheduler, inPieces } from './scheduler.ts';

/**
 * Inference on `spec.sessions` worker threads, each with its own copy of the NLI model; only the
 * first also loads the embedding model. Every call is cut into small pieces that go to whichever
 * thread is free (workers/scheduler.ts), so one call keeps every session busy to its end, and
 * calls made at once (the next batch while this one is stored) share the threads. With one
 * session and `inThreadWhenSingle`, the models load in this thread (the inline runner, where
 * nothing else needs the event loop while a batch runs).
 */
export async function startInferencePool(spec: InferenceSpec, opts: { onProgress?: (m: string) => void; inThreadWhenSingle?: boolean } = {}): Promise<Inference> {
  const n = Math.max(1, spec.sessions ?? 1);
  if (n === 1) return opts.inThreadWhenSingle ? loadLocalInference(spec, opts.onProgress) : startPoolOf([{ ...spec, embedder: true }], opts.onProgress);
  return startPoolOf(
    Array.from({ length: n }, (_, i) => ({ ...spec, embedder: i === 0 })),
    opts.onProgress,
  );
}

async function startPoolOf(specs: InferenceSpec[], onProgress?: (m: string) => void): Promise<Inference> {
  const started = await Promise.allSettled(specs.map((s) => startInferenceMember(s, onProgress)));
  const members = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(members.map((m) => m.close()));
    throw failed.reason;
  }
  const embedModel = members.find((m) => m.embedModel)?.embedModel;
  if (!embedModel) throw new Error('no member of the inference pool loaded the embedding model');
  const first = members[0] as InferenceMember;
  // Two tasks per member: each thread holds its next piece (workers/scheduler.ts).
  const scheduler = createScheduler(members, 2);
  const embeds = (m: InferenceMember) => m.embedModel !== undefined;
  const embedPiece = Math.max(1, specs[0]?.embedBatchSize ?? 1);
  return {
    embedModel,
    nliModel: first.nliModel,
    // Urgent: the next document's chunks are what the next batch is made of (workers/scheduler.ts).
    chunk: (text, maxTokens) => scheduler.run((m) => m.chunk(text, maxTokens), undefined, { urgent: true }),
    embed: (texts) => inPieces(scheduler, texts, embedPiece, (m, piece) => m.embed(piece), embeds),
    nliScores: (texts, axes, o) => inPieces(scheduler, texts, nliPieceChunks(axes, o.batchSize, o.gate !== undefined), (m, piece) => m.nliScores(piece, axes, o)),
    close: async () => {
      await Promise.all(members.map((m) => m.close()));
    },
  };
}

/**
 * Chunks per NLI piece: the fewest whose first pass (the relevance hypotheses under the cascade,
 * else every hypothesis) fills one NLI batch. Smaller pieces balance the sessions better; a piece
 * must still give ONNX Runtime full batches when a session has several threads.
 */
export function nliPieceChunks(axes: Axis[], batchSize: number, gated: boolean): number {
  const relevance = (a: Axis) => a.relevance?.hypotheses.length ?? 0;
  const poles = (a: Axis) => a.poles[0].hypotheses.length + a.poles[1].hypotheses.length;
  const sum = (f: (a: Axis) => number) => axes.reduce((n, a) => n + f(a), 0);
  // Under the cascade the first pass is the relevance hypotheses (the poles, when no axis has any).
  const firstPass = gated ? sum(relevance) || sum(poles) : sum(relevance) + sum(poles);
  return Math.max(1, Math.ceil(batchSize / Math.max(1, firstPass)));
}
