import { indexLabels } from './validate.ts';

/** Share of items whose prediction equals the gold label; NaN for no items (nothing to score). */
export function accuracy(gold: readonly string[], predicted: readonly string[], labels: readonly string[]): number {
  indexLabels(gold, predicted, labels);
  if (gold.length === 0) return Number.NaN;
  const correct = gold.filter((g, i) => g === predicted[i]).length;
  return correct / gold.length;
}
