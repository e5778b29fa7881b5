/** Error raised when statistics get inputs they cannot mean anything for (mismatched or out-of-range values). */
export class StatsInputError extends Error {
  override name = 'StatsInputError';
}

/** A group's chunks on one axis: score in [-1, 1] (pole A = -1, pole B = +1) and relevance in [0, 1]. */
export interface GroupChunks {
  scores: ArrayLike<number>;
  relevances: ArrayLike<number>;
}

/** Validated typed copies of a group's chunks, for allocation-free resampling loops. */
export interface ChunkArrays {
  scores: Float64Array;
  relevances: Float64Array;
}

/** Checks that scores and relevances pair up and lie in range; returns typed copies. */
export function readChunks(scores: ArrayLike<number>, relevances: ArrayLike<number>, what = 'group'): ChunkArrays {
  if (scores.length !== relevances.length) {
    throw new StatsInputError(`${what} has ${scores.length} scores but ${relevances.length} relevances`);
  }
  const s = Float64Array.from(scores);
  const r = Float64Array.from(relevances);
  for (let i = 0; i < s.length; i++) {
    const score = s[i] ?? Number.NaN;
    const relevance = r[i] ?? Number.NaN;
    if (!(score >= -1 && score <= 1)) throw new StatsInputError(`${what} score[${i}] is ${score}, not in [-1, 1]`);
    if (!(relevance >= 0 && relevance <= 1)) throw new StatsInputError(`${what} relevance[${i}] is ${relevance}, not in [0, 1]`);
  }
  return { scores: s, relevances: r };
}

/** Checks a resampling iteration count: a whole number >= 1. */
export function checkIterations(iterations: number, name = 'iterations'): number {
  if (!Number.isInteger(iterations) || iterations < 1) throw new StatsInputError(`${name} must be a whole number >= 1, got ${iterations}`);
  return iterations;
}

/** Checks a confidence level: strictly between 0 and 1. */
export function checkLevel(level: number): number {
  if (!(level > 0 && level < 1)) throw new StatsInputError(`level must be in (0, 1), got ${level}`);
  return level;
}
