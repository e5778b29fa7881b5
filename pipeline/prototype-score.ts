import type { AxisDefinition } from './axes.ts';
import { combineAxisScore, type AxisScore, type Thresholds } from './stance-score.ts';
import { dot, meanNormalized } from './vectors.ts';

/** An axis's pole prototypes: the normalized mean embedding of each pole's hypotheses and exemplars. */
export interface AxisPrototypes {
  a: Float32Array;
  b: Float32Array;
  relevance: Float32Array | undefined;
}

/** The sentences whose embeddings make each prototype, in the order prototypesFrom expects. */
export function prototypeSentences(axis: AxisDefinition): { a: string[]; b: string[]; relevance: string[] } {
  return {
    a: [...axis.poles[0].hypotheses, ...axis.poles[0].exemplars],
    b: [...axis.poles[1].hypotheses, ...axis.poles[1].exemplars],
    relevance: axis.relevance?.hypotheses ?? [],
  };
}

/** Builds prototypes from the embeddings of prototypeSentences (same order). */
export function prototypesFrom(vectors: { a: Float32Array[]; b: Float32Array[]; relevance: Float32Array[] }): AxisPrototypes {
  return {
    a: meanNormalized(vectors.a),
    b: meanNormalized(vectors.b),
    relevance: vectors.relevance.length ? meanNormalized(vectors.relevance) : undefined,
  };
}

/**
 * Prototype scorer: a pole's "probability" is the cosine of the chunk to the pole prototype,
 * clipped to [0, 1]; the rest is the same combination as the NLI scorer, so labels are comparable.
 */
export function prototypeAxisScore(chunk: Float32Array, protos: AxisPrototypes, axis: AxisDefinition, thresholds?: Thresholds): AxisScore {
  const probA = Math.max(0, dot(chunk, protos.a));
  const probB = Math.max(0, dot(chunk, protos.b));
  const relevance = protos.relevance ? Math.max(0, dot(chunk, protos.relevance)) : Math.max(probA, probB);
  return combineAxisScore(probA, probB, relevance, axis, thresholds);
}
