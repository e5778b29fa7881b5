import { MetricInputError } from './validate.ts';

/** One equal-width confidence bin: its bounds, item count, mean confidence and accuracy. */
export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  /** NaN when the bin is empty. */
  meanConfidence: number;
  /** NaN when the bin is empty. */
  accuracy: number;
}

/**
 * Splits [0, 1] into `bins` equal-width bins (lower, upper] and summarises the items in each.
 * Bins are open below and closed above, as in Guo et al. (2017), except that confidence 0
 * goes to the first bin. Placement at a bin edge follows floating-point arithmetic on
 * confidence * bins.
 */
export function calibrationBins(
  confidences: readonly number[],
  correct: readonly boolean[],
  bins = 10,
): CalibrationBin[] {
  if (confidences.length !== correct.length) {
    throw new MetricInputError(`${confidences.length} confidences but ${correct.length} correctness flags`);
  }
  if (!Number.isInteger(bins) || bins < 1) throw new MetricInputError(`bins must be a whole number >= 1, got ${bins}`);
  const count = new Array<number>(bins).fill(0);
  const confidenceSum = new Array<number>(bins).fill(0);
  const correctSum = new Array<number>(bins).fill(0);
  confidences.forEach((c, i) => {
    if (!Number.isFinite(c) || c < 0 || c > 1) throw new MetricInputError(`confidence[${i}] is ${c}, not in [0, 1]`);
    const b = Math.max(0, Math.ceil(c * bins) - 1);
    count[b] = (count[b] ?? 0) + 1;
    confidenceSum[b] = (confidenceSum[b] ?? 0) + c;
    if (correct[i] === true) correctSum[b] = (correctSum[b] ?? 0) + 1;
  });
  return count.map((m, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: m,
    meanConfidence: m === 0 ? Number.NaN : (confidenceSum[b] ?? 0) / m,
    accuracy: m === 0 ? Number.NaN : (correctSum[b] ?? 0) / m,
  }));
}

/**
 * Expected calibration error: sum over non-empty bins of (count / n) * |accuracy - mean
 * confidence|, with the binning of calibrationBins (default 10 bins). NaN for no items.
 */
export function expectedCalibrationError(
  confidences: readonly number[],
  correct: readonly boolean[],
  bins = 10,
): number {
  const summary = calibrationBins(confidences, correct, bins);
  const n = confidences.length;
  if (n === 0) return Number.NaN;
  return summary
    .filter((bin) => bin.count > 0)
    .reduce((s, bin) => s + (bin.count / n) * Math.abs(bin.accuracy - bin.meanConfidence), 0);
}
