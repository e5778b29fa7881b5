// One import path for callers that need several metrics (the report, the CLI).
export { accuracy } from './accuracy.ts';
export { confusionMatrix, type ConfusionMatrix } from './confusion.ts';
export { perClassScores, macroF1, type ClassScores } from './per-class.ts';
export { cohenKappa } from './kappa.ts';
export { krippendorffAlphaNominal, type MaybeLabel } from './krippendorff.ts';
export { calibrationBins, expectedCalibrationError, type CalibrationBin } from './ece.ts';
export { MetricInputError } from './validate.ts';
export { documentResamples, resampledItems, resampledSums, percentileInterval, DEFAULT_REPLICATES, type DocumentResamples, type Interval } from './bootstrap.ts';
export { metricsFromConfusion, resampledConfusionMetrics, resampledEce, type ConfusionMetrics } from './resampled.ts';
export { pairedMacroF1Differences, type MacroF1Difference } from './paired.ts';
