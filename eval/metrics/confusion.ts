import { indexLabels } from './validate.ts';

/** Counts of (gold, predicted) pairs: matrix[i][j] = items with gold labels[i] predicted labels[j]. */
export interface ConfusionMatrix {
  labels: string[];
  matrix: number[][];
}

/** Confusion matrix with rows = gold and columns = predicted, both in the order of `labels`. */
export function confusionMatrix(
  gold: readonly string[],
  predicted: readonly string[],
  labels: readonly string[],
): ConfusionMatrix {
  const index = indexLabels(gold, predicted, labels);
  const matrix = labels.map(() => labels.map(() => 0));
  gold.forEach((g, i) => {
    // indexLabels has checked every label, so both lookups hit.
    const row = matrix[index.get(g) as number] as number[];
    const col = index.get(predicted[i] as string) as number;
    row[col] = (row[col] as number) + 1;
  });
  return { labels: [...labels], matrix };
}
