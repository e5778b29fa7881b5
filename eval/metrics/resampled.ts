import { calibrationBins } from './ece.ts';
import { resampledSums, type DocumentResamples } from './bootstrap.ts';
import { indexLabels } from './validate.ts';

/** Agreement metrics computed from a confusion matrix (rows gold, columns predicted, flattened). */
export interface ConfusionMetrics {
  accuracy: number;
  macro_f1: number;
  kappa: number;
  /** F1 of each label, in label order. */
  f1: number[];
}

/**
 * Accuracy, macro-F1, Cohen's kappa and per-class F1 from a flattened k x k confusion matrix,
 * with the conventions of accuracy.ts, per-class.ts and kappa.ts: NaN for no items, F1 0/0 = 0,
 * macro-F1 over the classes present in gold or predictions, kappa NaN when p_e = 1.
 */
export function metricsFromConfusion(matrix: ArrayLike<number>, k: number): ConfusionMetrics {
  let n = 0;
  let agree = 0;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  for (let g = 0; g < k; g++) {
    for (let p = 0; p < k; p++) {
      const v = matrix[g * k + p] as number;
      n += v;
      rows[g] = (rows[g] as number) + v;
      cols[p] = (cols[p] as number) + v;
      if (g === p) agree += v;
    }
  }
  // 2 TP / (gold + predicted) is 2PR / (P + R), with 0/0 = 0.
  const f1 = rows.map((r, c) => (r + (cols[c] as number) === 0 ? 0 : (2 * (matrix[c * k + c] as number)) / (r + (cols[c] as number))));
  const present = rows.map((r, c) => r + (cols[c] as number) > 0);
  const nPresent = present.filter(Boolean).length;
  const chance = rows.reduce((s, r, c) => s + r * (cols[c] as number), 0);
  const denominator = n * n - chance;
  return {
    accuracy: n === 0 ? Number.NaN : agree / n,
    macro_f1: nPresent === 0 ? Number.NaN : f1.reduce((s, v, c) => s + (present[c] ? v : 0), 0) / nPresent,
    kappa: n === 0 || denominator === 0 ? Number.NaN : (n * agree - chance) / denominator,
    f1,
  };
}

/** The confusion-matrix metrics of predictions on each document resample. */
export function resampledConfusionMetrics(
  gold: readonly string[],
  predicted: readonly string[],
  labels: readonly string[],
  resamples: DocumentResamples,
): ConfusionMetrics[] {
  const index = indexLabels(gold, predicted, labels);
  const k = labels.length;
  const cell = gold.map((g, i) => (index.get(g) as number) * k + (index.get(predicted[i] as string) as number));
  return resampledSums(resamples, k * k, (i, out) => {
    out[cell[i] as number] = 1;
  }).map((m) => metricsFromConfusion(m, k));
}

/** Expected calibration error on each document resample, with the bins of calibrationBins. */
export function resampledEce(confidences: readonly number[], correct: readonly boolean[], resamples: DocumentResamples, bins = 10): number[] {
  // Validates the inputs and places each item in its bin, exactly as ece.ts does.
  const binOf = confidences.map((c, i) => calibrationBins([c], [correct[i] === true], bins).findIndex((b) => b.count === 1));
  return resampledSums(resamples, 3 * bins, (i, out) => {
    const b = binOf[i] as number;
    out[3 * b] = 1;
    out[3 * b + 1] = confidences[i] as number;
    out[3 * b + 2] = correct[i] === true ? 1 : 0;
  }).map((sums) => {
    let n = 0;
    for (let b = 0; b < bins; b++) n += sums[3 * b] as number;
    if (n === 0) return Number.NaN;
    let ece = 0;
    for (let b = 0; b < bins; b++) {
      const m = sums[3 * b] as number;
      if (m > 0) ece += (m / n) * Math.abs((sums[3 * b + 2] as number) / m - (sums[3 * b + 1] as number) / m);
    }
    return ece;
  });
}
