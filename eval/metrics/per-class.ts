import { confusionMatrix } from './confusion.ts';
import { ratioOrZero } from './validate.ts';

/** Precision, recall and F1 of one class, with its support (number of gold items in it). */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * Per-class precision, recall and F1 for every label in `labels`.
 * Any 0/0 is defined as 0: precision of a never-predicted class, recall of a class absent from
 * gold, and F1 when precision + recall = 0. This is scikit-learn's zero_division=0 default.
 */
export function perClassScores(
  gold: readonly string[],
  predicted: readonly string[],
  labels: readonly string[],
): Record<string, ClassScores> {
  const { matrix } = confusionMatrix(gold, predicted, labels);
  return Object.fromEntries(
    labels.map((label, k) => {
      const tp = matrix[k]?.[k] ?? 0;
      const support = (matrix[k] ?? []).reduce((s, x) => s + x, 0);
      const predictedAs = matrix.reduce((s, row) => s + (row[k] ?? 0), 0);
      const precision = ratioOrZero(tp, predictedAs);
      const recall = ratioOrZero(tp, support);
      const f1 = ratioOrZero(2 * precision * recall, precision + recall);
      return [label, { precision, recall, f1, support }];
    }),
  );
}

/**
 * Unweighted mean of per-class F1 over the classes that occur in gold or in predictions.
 * A class absent from both has F1 = 0 only by the 0/0 convention, not by any error of the
 * predictor; averaging it in would penalise a model for the make-up of the sample. A class
 * that is predicted but absent from gold still counts (its F1 is 0: every such prediction is
 * wrong). NaN for no items, where there is no class to average over.
 */
export function macroF1(gold: readonly string[], predicted: readonly string[], labels: readonly string[]): number {
  const scores = perClassScores(gold, predicted, labels);
  const present = labels.filter((label) => gold.includes(label) || predicted.includes(label));
  if (present.length === 0) return Number.NaN;
  return present.reduce((s, label) => s + (scores[label]?.f1 ?? 0), 0) / present.length;
}
