import { loadLocalInference, type Inference, type InferenceSpec } from '../app/inference.ts';
import { startInferenceThread } from './inference-client.ts';

/**
 * Inference on `spec.sessions` worker threads, each with its own copy of the models: every call
 * is split into one contiguous share per session and the shares run at once, so one call keeps
 * every session busy. With one session and `inThreadWhenSingle`, the models load in this thread
 * (the inline runner, where nothing else needs the event loop while a batch runs).
 */
export async function startInferencePool(spec: InferenceSpec, opts: { onProgress?: (m: string) => void; inThreadWhenSingle?: boolean } = {}): Promise<Inference> {
  const n = Math.max(1, spec.sessions ?? 1);
  if (n === 1) return opts.inThreadWhenSingle ? loadLocalInference(spec, opts.onProgress) : startInferenceThread(spec, opts.onProgress);
  const started = await Promise.allSettled(Array.from({ length: n }, () => startInferenceThread(spec, opts.onProgress)));
  const members = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(members.map((m) => m.close()));
    throw failed.reason;
  }
  const first = members[0] as Inference;
  let next = 0;
  const spread = async <T, R>(items: T[], run: (member: Inference, share: T[]) => Promise<R[]>): Promise<R[]> => {
    const shares = splitEvenly(items, members.length);
    const results = await Promise.all(shares.map((share, i) => (share.length ? run(members[i] as Inference, share) : Promise.resolve([]))));
    return results.flat();
  };
  return {
    embedModel: first.embedModel,
    nliModel: first.nliModel,
    // Chunking is one text: the sessions take turns.
    chunk: (text, maxTokens) => (members[next++ % members.length] as Inference).chunk(text, maxTokens),
    embed: (texts) => spread(texts, (m, share) => m.embed(share)),
    nliScores: (texts, axes, o) => spread(texts, (m, share) => m.nliScores(share, axes, o)),
    close: async () => {
      await Promise.all(members.map((m) => m.close()));
    },
  };
}

/** Splits items into `parts` contiguous shares whose sizes differ by at most one (empty ones last). */
export function splitEvenly<T>(items: T[], parts: number): T[][] {
  const base = Math.floor(items.length / parts);
  const extra = items.length % parts;
  const out: T[][] = [];
  let at = 0;
  for (let i = 0; i < parts; i++) {
    const size = base + (i < extra ? 1 : 0);
    out.push(items.slice(at, at + size));
    at += size;
  }
  return out;
}
