/**
 * How inference uses the cores: `sessions` independent copies of the models (each in a worker
 * thread with its own ONNX Runtime sessions), each running `threads` intra-op threads.
 *
 * Independent sessions scale close to linearly (no synchronisation inside a forward pass), while
 * intra-op threads of one session were measured at 1.5x for 2 threads (bench/pipeline.ts); but
 * every session holds its own copy of the NLI model (the first also the embedding model). So by
 * default: as many sessions as cores, up to MAX_DEFAULT_SESSIONS, and the remaining cores as
 * intra-op threads of each. On 2 cores that
 * is 2 sessions x 1 thread, which `npm run bench` measured at 12.43 chunks/s end to end against 7.85
 * for 1 x 2 at a 50% gate pass rate (README, "Throughput").
 */
export interface PoolShape {
  sessions: number;
  threads: number;
}

/** Most sessions the default starts: each is a copy of the NLI model in memory. */
export const MAX_DEFAULT_SESSIONS = 2;

/** The pool shape for this many cores; either setting given alone takes the cores the other leaves. */
export function poolShape(cores: number, given: { sessions?: number | undefined; threads?: number | undefined } = {}): PoolShape {
  const c = Math.max(1, Math.floor(cores));
  if (given.sessions !== undefined && given.threads !== undefined) return { sessions: given.sessions, threads: given.threads };
  if (given.sessions !== undefined) return { sessions: given.sessions, threads: Math.max(1, Math.floor(c / given.sessions)) };
  if (given.threads !== undefined) return { sessions: Math.max(1, Math.min(MAX_DEFAULT_SESSIONS, Math.floor(c / given.threads))), threads: given.threads };
  const sessions = Math.min(c, MAX_DEFAULT_SESSIONS);
  return { sessions, threads: Math.max(1, Math.floor(c / sessions)) };
}

// (chunk, hypothesis) pairs per NLI forward pass when the thread count is not known (eval, tests);
// a run with a configuration takes nliBatchSizeFor(STANCE_ORT_THREADS).
export const NLI_BATCH_SIZE = 16;

/**
 * (chunk, hypothesis) pairs per NLI forward pass for a session with this many intra-op threads:
 * one thread runs fastest unbatched (no padding), more threads need a batch to share out
 * (bench/pipeline.ts: 2 threads peaked at a batch of 8).
 */
export function nliBatchSizeFor(threads: number): number {
  return threads <= 1 ? 1 : Math.min(32, 4 * threads);
}
