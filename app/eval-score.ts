import type { Axis } from '../pipeline/axes.ts';
import { prototypeAxisScore, prototypeSentences, prototypesFrom, type AxisPrototypes } from '../pipeline/prototype-score.ts';
import type { AxisScore, Thresholds } from '../pipeline/stance-score.ts';
import type { EvalInference } from './eval-inference.ts';
import type { ScorerKind } from './registry.ts';
import { NLI_BATCH_SIZE } from '../pipeline/pool-shape.ts';

/** The label settings scoring uses, per axis slug: thresholds and NLI softmax temperatures. */
export interface ScoringSettings {
  thresholds: Record<string, Thresholds>;
  temperatures: Record<string, number>;
}

/** The settings of the axes file: its thresholds, temperature 1 (the uncalibrated model). */
export function axisFileSettings(axes: readonly Axis[]): ScoringSettings {
  return {
    thresholds: Object.fromEntries(axes.map((a) => [a.slug, { ...a.thresholds }])),
    temperatures: Object.fromEntries(axes.map((a) => [a.slug, 1])),
  };
}

// Passages per model call: small enough for steady progress reports, large enough that the
// NLI batches (NLI_BATCH_SIZE pairs) inside a call stay full.
const TEXTS_PER_STEP = 16;

/** Called after each step of scoring with the number of texts done and the total. */
export type ScoreProgress = (done: number, total: number) => void;

/** Pole prototypes of each axis from the embeddings of its hypotheses and exemplars, as the pipeline builds them. */
export async function axisPrototypes(inference: EvalInference, axes: readonly Axis[]): Promise<AxisPrototypes[]> {
  const prototypes: AxisPrototypes[] = [];
  for (const axis of axes) {
    const s = prototypeSentences(axis);
    const vectors = await inference.embed([...s.a, ...s.b, ...s.relevance]);
    prototypes.push(
      prototypesFrom({
        a: vectors.slice(0, s.a.length),
        b: vectors.slice(s.a.length, s.a.length + s.b.length),
        relevance: vectors.slice(s.a.length + s.b.length),
      }),
    );
  }
  return prototypes;
}

/**
 * Scores texts on every axis with one scorer, without storing anything: scores[text][axis].
 * The NLI scorer applies the settings' temperatures and thresholds; the prototype scorer has no
 * temperature and applies the thresholds only.
 */
export async function scoreTexts(
  inference: EvalInference,
  kind: ScorerKind,
  texts: readonly string[],
  axes: Axis[],
  settings: ScoringSettings,
  onProgress?: ScoreProgress,
): Promise<AxisScore[][]> {
  const prototypes = kind === 'prototype' ? await axisPrototypes(inference, axes) : [];
  const scores: AxisScore[][] = [];
  for (let start = 0; start < texts.length; start += TEXTS_PER_STEP) {
    const step = texts.slice(start, start + TEXTS_PER_STEP);
    if (kind === 'nli') {
      scores.push(...(await inference.nliScores(step, axes, { batchSize: NLI_BATCH_SIZE, ...settings })));
    } else {
      const vectors = await inference.embed(step);
      scores.push(
        ...vectors.map((v) => axes.map((axis, x) => prototypeAxisScore(v, prototypes[x] as AxisPrototypes, axis, settings.thresholds[axis.slug]))),
      );
    }
    onProgress?.(Math.min(start + TEXTS_PER_STEP, texts.length), texts.length);
  }
  return scores;
}
