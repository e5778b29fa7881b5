import type { AxisDefinition } from './axes.ts';

/** A chunk's stance on one axis. score: -1 = pole A, +1 = pole B; relevance in [0, 1]. */
export interface AxisScore {
  probA: number;
  probB: number;
  relevance: number;
  score: number;
  label: string;
}

/** Label thresholds: below `relevance` a chunk is irrelevant; |score| below `margin` is neutral. */
export interface Thresholds {
  relevance: number;
  margin: number;
}

/**
 * Combines pole probabilities and a relevance into a score and a label.
 * score = probB - probA: bounded in [-1, 1] and near 0 when neither pole is supported, so weak
 * evidence cannot produce a confident-looking score (a ratio would amplify noise).
 */
export function combineAxisScore(probA: number, probB: number, relevance: number, axis: AxisDefinition, thresholds: Thresholds = axis.thresholds): AxisScore {
  const score = clamp(probB - probA, -1, 1);
  let label: string;
  if (relevance < thresholds.relevance) label = 'irrelevant';
  else if (Math.abs(score) < thresholds.margin) label = 'neutral';
  else label = score < 0 ? axis.poles[0].slug : axis.poles[1].slug;
  return { probA, probB, relevance: clamp(relevance, 0, 1), score, label };
}

/**
 * NLI scorer: a pole's probability is the highest entailment among its hypotheses (any one
 * criterion of the pole is enough); relevance is the relevance hypothesis's entailment, or the
 * stronger pole when the axis has none.
 */
export function nliAxisScore(
  entail: { a: number[]; b: number[]; relevance: number[] },
  axis: AxisDefinition,
  thresholds?: Thresholds,
): AxisScore {
  const probA = Math.max(...entail.a);
  const probB = Math.max(...entail.b);
  const relevance = entail.relevance.length ? Math.max(...entail.relevance) : Math.max(probA, probB);
  return combineAxisScore(probA, probB, relevance, axis, thresholds);
}

/** Index of the entailment class in a model's id2label (label order differs between models). */
export function entailmentIndex(id2label: Record<string, string> | undefined, modelName: string): number {
  const entries = Object.entries(id2label ?? {});
  const hit = entries.find(([, label]) => label.toLowerCase().startsWith('entail'));
  if (!hit) {
    throw new Error(
      `model ${modelName} has no entailment label in config.json id2label (${entries.map(([i, l]) => `${i}=${l}`).join(', ') || 'missing'}); it is not an NLI model`,
    );
  }
  return Number(hit[0]);
}

/** Softmax of one row of logits, with an optional temperature (calibration). */
export function softmax(logits: ArrayLike<number>, temperature = 1): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, (logits[i] ?? 0) / temperature);
  const exps = Array.from({ length: logits.length }, (_, i) => Math.exp((logits[i] ?? 0) / temperature - max));
  const sum = exps.reduce((s, x) => s + x, 0);
  return exps.map((e) => e / sum);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
