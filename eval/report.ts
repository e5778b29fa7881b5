import { axisLabels, type EvalAxis } from './axis.ts';
import { accuracy } from './metrics/accuracy.ts';
import { confusionMatrix, type ConfusionMatrix } from './metrics/confusion.ts';
import { cohenKappa } from './metrics/kappa.ts';
import { expectedCalibrationError } from './metrics/ece.ts';
import { macroF1, perClassScores, type ClassScores } from './metrics/per-class.ts';
import { percentileInterval, type DocumentResamples, type Interval } from './metrics/bootstrap.ts';
import { resampledConfusionMetrics, resampledEce } from './metrics/resampled.ts';

/** What is known about one axis: gold labels, the model's labels, and baselines' labels. */
export interface AxisEvalInput {
  gold: readonly string[];
  predicted: readonly string[];
  /**
   * Per item, the model's probability for each label; only the predicted label's entry is
   * read (it is the confidence that ECE checks). Omit when the model gives no probabilities.
   */
  probabilities?: readonly Readonly<Record<string, number>>[];
  /** Predictions of each baseline, keyed by baseline name, aligned with `gold`. */
  baselines?: Readonly<Record<string, readonly string[]>>;
}

/** 95% intervals (document bootstrap) of agreement scores; null where too few resamples define the metric. */
export interface AgreementIntervals {
  accuracy: Interval;
  macro_f1: Interval;
  kappa: Interval;
}

/** Agreement scores of one baseline with gold; null where a metric is undefined. */
export interface BaselineScores {
  accuracy: number | null;
  macro_f1: number | null;
  kappa: number | null;
  /** Intervals of the three scores; null when the report was built without resamples. */
  ci: AgreementIntervals | null;
}

/** Intervals of every metric of the model on one axis. */
export interface AxisIntervals extends AgreementIntervals {
  ece: Interval;
  /** F1 of each class. */
  per_class_f1: Record<string, Interval>;
}

/**
 * The evaluation of one axis. Metrics that are undefined for the data (no items; kappa when
 * gold and predictions are one and the same class; ECE without probabilities) are null, so
 * that the object survives JSON unchanged (JSON has no NaN).
 */
export interface AxisReport {
  n: number;
  accuracy: number | null;
  macro_f1: number | null;
  kappa: number | null;
  ece: number | null;
  confusion: ConfusionMatrix;
  per_class: Record<string, ClassScores>;
  /** Percentile intervals over the document resamples; null when the report was built without them. */
  ci: AxisIntervals | null;
  baselines: Record<string, BaselineScores>;
}

/** Evaluation of every axis, keyed by axis slug, in the order the axes were given. */
export type EvalReport = Record<string, AxisReport>;

/** Report options. */
export interface ReportOptions {
  /** Number of equal-width confidence bins of ECE (default 10). */
  eceBins?: number;
  /**
   * Resampled item indices (documentResamples in eval/metrics/bootstrap.ts): when given, every
   * metric gets the percentile interval of its values over these resamples.
   */
  resamples?: DocumentResamples;
  /** Coverage of the intervals (default 0.95). */
  level?: number;
}

/** The number, or null when it is NaN or infinite (JSON cannot carry those). */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** The confidence of each prediction: the probability given to the predicted label. */
export function predictionConfidences(
  predicted: readonly string[],
  probabilities: readonly Readonly<Record<string, number>>[],
): number[] {
  if (probabilities.length !== predicted.length) {
    throw new Error(`${predicted.length} predictions but ${probabilities.length} probability maps`);
  }
  return predicted.map((label, i) => {
    const p = probabilities[i];
    const confidence = p !== undefined && Object.hasOwn(p, label) ? p[label] : undefined;
    if (confidence === undefined) throw new Error(`item ${i}: no probability for its predicted label "${label}"`);
    return confidence;
  });
}

/** Builds the report of one axis; throws if arrays do not align or use labels outside the axis. */
export function buildAxisReport(axis: EvalAxis, input: AxisEvalInput, options: ReportOptions = {}): AxisReport {
  const labels = axisLabels(axis);
  const { gold, predicted } = input;
  try {
    const confidences = input.probabilities === undefined ? undefined : predictionConfidences(predicted, input.probabilities);
    const correct = predicted.map((p, i) => p === gold[i]);
    const ece = confidences === undefined ? null : finiteOrNull(expectedCalibrationError(confidences, correct, options.eceBins));
    const baselines = Object.fromEntries(
      Object.entries(input.baselines ?? {}).map(([name, preds]) => {
        try {
          return [name, { ...scoreAgreement(gold, preds, labels), ci: agreementIntervals(gold, preds, labels, options) }] as const;
        } catch (error) {
          throw new Error(`baseline ${name}: ${(error as Error).message}`, { cause: error });
        }
      }),
    );
    let ci: AxisIntervals | null = null;
    if (options.resamples !== undefined) {
      const replicates = resampledConfusionMetrics(gold, predicted, labels, options.resamples);
      ci = {
        ...agreementIntervals(gold, predicted, labels, options, replicates),
        ece: confidences === undefined ? null : percentileInterval(resampledEce(confidences, correct, options.resamples, options.eceBins), options.level),
        per_class_f1: Object.fromEntries(labels.map((l, k) => [l, percentileInterval(replicates.map((m) => m.f1[k] as number), options.level)])),
      } as AxisIntervals;
    }
    return {
      n: gold.length,
      ...scoreAgreement(gold, predicted, labels),
      ece,
      confusion: confusionMatrix(gold, predicted, labels),
      per_class: perClassScores(gold, predicted, labels),
      ci,
      baselines,
    };
  } catch (error) {
    throw new Error(`axis ${axis.slug}: ${(error as Error).message}`, { cause: error });
  }
}

/** Intervals of accuracy, macro-F1 and kappa over the resamples of the options; null without resamples. */
function agreementIntervals(
  gold: readonly string[],
  predicted: readonly string[],
  labels: readonly string[],
  options: ReportOptions,
  replicates = options.resamples && resampledConfusionMetrics(gold, predicted, labels, options.resamples),
): AgreementIntervals | null {
  if (replicates === undefined) return null;
  const interval = (key: 'accuracy' | 'macro_f1' | 'kappa') => percentileInterval(replicates.map((m) => m[key]), options.level);
  return { accuracy: interval('accuracy'), macro_f1: interval('macro_f1'), kappa: interval('kappa') };
}

/** Accuracy, macro-F1 and kappa of predictions against gold, nulls for undefined values. */
function scoreAgreement(gold: readonly string[], predicted: readonly string[], labels: readonly string[]): Omit<BaselineScores, 'ci'> {
  return {
    accuracy: finiteOrNull(accuracy(gold, predicted, labels)),
    macro_f1: finiteOrNull(macroF1(gold, predicted, labels)),
    kappa: finiteOrNull(cohenKappa(gold, predicted, labels)),
  };
}

/** Builds the report of every axis; each axis needs an input and every input needs an axis. */
export function buildReport(
  axes: readonly EvalAxis[],
  inputs: Readonly<Record<string, AxisEvalInput>>,
  options: ReportOptions = {},
): EvalReport {
  const known = new Set(axes.map((a) => a.slug));
  const stray = Object.keys(inputs).filter((slug) => !known.has(slug));
  if (stray.length > 0) throw new Error(`inputs for unknown axis(es): ${stray.join(', ')}`);
  return Object.fromEntries(
    axes.map((axis) => {
      const input = Object.hasOwn(inputs, axis.slug) ? inputs[axis.slug] : undefined;
      if (input === undefined) throw new Error(`no input for axis ${axis.slug}`);
      return [axis.slug, buildAxisReport(axis, input, options)] as const;
    }),
  );
}
