import { IRRELEVANT, NEUTRAL, type EvalAxis } from './axis.ts';

/** What a scorer says about one passage on one axis (the fields of pipeline's AxisScore it reads). */
export interface PoleEvidence {
  /** Support for pole A in [0, 1] (NLI: entailment probability; prototype: clipped cosine). */
  probA: number;
  /** Support for pole B in [0, 1]. */
  probB: number;
  /** How much the passage is about the axis, in [0, 1]. */
  relevance: number;
}

/**
 * A probability for each of the axis's four labels, derived from the pole probabilities and
 * the relevance; it mirrors how the labelling rule reads the same numbers, so that its value at
 * the predicted label is a confidence that ECE (and the NLL of calibration) can check.
 *
 * With r = relevance and d = |probB - probA| / (probA + probB), the share of the pole support
 * that favours the leading pole (0 when both are 0):
 *   P(irrelevant) = 1 - r, P(neutral) = r (1 - d), P(leading pole) = r d, P(other pole) = 0.
 * The four sum to 1. The other pole gets 0 because the scorers carry no evidence for "the pole
 * with less support": a gold label there is an error no threshold or temperature can fix.
 */
export function labelProbabilities(axis: EvalAxis, evidence: PoleEvidence): Record<string, number> {
  const r = clamp01(evidence.relevance);
  const a = clamp01(evidence.probA);
  const b = clamp01(evidence.probB);
  const d = a + b === 0 ? 0 : Math.abs(b - a) / (a + b);
  const [poleA, poleB] = axis.poles;
  return {
    [poleA]: b > a ? 0 : r * d,
    [poleB]: b > a ? r * d : 0,
    [NEUTRAL]: r * (1 - d),
    [IRRELEVANT]: 1 - r,
  };
}

// Probabilities below this count as this in the NLL, so one impossible label costs a bounded amount.
const NLL_FLOOR = 1e-6;

/** Mean negative log-likelihood of the gold labels under per-item label distributions. */
export function meanNegativeLogLikelihood(
  gold: readonly string[],
  probabilities: readonly Readonly<Record<string, number>>[],
): number {
  if (gold.length !== probabilities.length) {
    throw new Error(`${gold.length} gold labels but ${probabilities.length} probability maps`);
  }
  if (gold.length === 0) return Number.NaN;
  let sum = 0;
  gold.forEach((label, i) => {
    const p = probabilities[i]?.[label] ?? 0;
    sum -= Math.log(Math.max(p, NLL_FLOOR));
  });
  return sum / gold.length;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
