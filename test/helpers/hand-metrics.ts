/**
 * Classification metrics written out from their textbook definitions, without eval/metrics, so
 * tests of the eval commands can check the numbers they print against an independent computation.
 */

/** Counts matrix[gold][predicted] over `labels` (rows gold, columns predicted). */
export function countConfusion(gold: readonly string[], predicted: readonly string[], labels: readonly string[]): number[][] {
  const matrix = labels.map(() => labels.map(() => 0));
  gold.forEach((g, i) => {
    const row = matrix[labels.indexOf(g)];
    const k = labels.indexOf(predicted[i] ?? '');
    if (row && k >= 0) row[k] = (row[k] ?? 0) + 1;
  });
  return matrix;
}

export interface HandMetrics {
  accuracy: number;
  /** Mean F1 over the classes present in gold or in predictions (a class absent from both is left out). */
  macroF1: number;
  /** Cohen's kappa (p_o - p_e) / (1 - p_e); NaN when p_e = 1. */
  kappa: number;
  perClass: { precision: number; recall: number; f1: number; support: number }[];
}

/** Accuracy, macro-F1, kappa and per-class scores of a confusion matrix (0/0 taken as 0). */
export function metricsOfConfusion(matrix: readonly (readonly number[])[]): HandMetrics {
  const n = matrix.flat().reduce((s, x) => s + x, 0);
  const rowSum = matrix.map((row) => row.reduce((s, x) => s + x, 0));
  const colSum = matrix.map((_, k) => matrix.reduce((s, row) => s + (row[k] ?? 0), 0));
  const diagonal = matrix.map((row, k) => row[k] ?? 0);
  const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const perClass = matrix.map((_, k) => {
    const precision = div(diagonal[k]!, colSum[k]!);
    const recall = div(diagonal[k]!, rowSum[k]!);
    return { precision, recall, f1: div(2 * precision * recall, precision + recall), support: rowSum[k]! };
  });
  const present = perClass.filter((_, k) => rowSum[k]! > 0 || colSum[k]! > 0);
  const po = diagonal.reduce((s, x) => s + x, 0) / n;
  const pe = rowSum.reduce((s, r, k) => s + (r / n) * (colSum[k]! / n), 0);
  return {
    accuracy: po,
    macroF1: present.reduce((s, c) => s + c.f1, 0) / present.length,
    kappa: pe === 1 ? Number.NaN : (po - pe) / (1 - pe),
    perClass,
  };
}
