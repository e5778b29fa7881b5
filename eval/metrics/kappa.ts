import { confusionMatrix } from './confusion.ts';

/**
 * Cohen's kappa between gold and predicted: (p_o - p_e) / (1 - p_e).
 * Degenerate case: when expected agreement p_e = 1 (both sides use one and the same class for
 * every item), kappa is 0/0 and we return NaN, as scikit-learn does: chance already explains
 * all agreement, so agreement beyond chance is undefined, and 1 would flatter a constant
 * predictor. (p_e = 1 forces p_o = 1, so no other degenerate case exists.) NaN for no items.
 * Works on integer counts so that the p_e = 1 test is exact, not a float comparison.
 */
export function cohenKappa(gold: readonly string[], predicted: readonly string[], labels: readonly string[]): number {
  const { matrix } = confusionMatrix(gold, predicted, labels);
  const n = gold.length;
  if (n === 0) return Number.NaN;
  let agree = 0;
  let chance = 0; // sum over classes of goldCount * predictedCount, i.e. n^2 * p_e
  matrix.forEach((row, k) => {
    agree += row[k] ?? 0;
    const goldCount = row.reduce((s, x) => s + x, 0);
    const predictedCount = matrix.reduce((s, r) => s + (r[k] ?? 0), 0);
    chance += goldCount * predictedCount;
  });
  const denominator = n * n - chance;
  if (denominator === 0) return Number.NaN;
  return (n * agree - chance) / denominator;
}
