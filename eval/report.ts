import { axisLabels, type EvalAxis } from './axis.ts';
import { accuracy } from './metrics/accuracy.ts';
import { confusionMatrix, type ConfusionMatrix } from './metrics/confusion.ts';
import { cohenKappa } from './metrics/kappa.ts';
import { expectedCalibrationError } from './metrics/ece.ts';
import { macroF1, perClassScores, type ClassScores } from './metrics/per-class.ts';

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

/** Agreement scores of one baseline with gold; null where a metric is undefined. */
export interface BaselineScores {
  accuracy: number | null;
  macro_f1: number | null;
  kappa: number | null;
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
  baselines: Record<string, BaselineScores>;
}

/** Evaluation of every axis, keyed by axis slug, in the order the axes were given. */
export type EvalReport = Record<string, AxisReport>;

/** Report options; `eceBins` is the number of equal-width confidence bins (default 10). */
export interface ReportOptions {
  eceBins?: number;
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
    const ece =
      input.probabilities === undefined
        ? null
        : finiteOrNull(
            expectedCalibrationError(
              predictionConfidences(predicted, input.probabilities),
              predicted.map((p, i) => p === gold[i]),
              options.eceBins,
            ),
          );
    const baselines = Object.fromEntries(
      Object.entries(input.baselines ?? {}).map(([name, preds]) => {
        try {
          return [name, scoreAgreement(gold, preds, labels)] as const;
        } catch (error) {
          throw new Error(`baseline ${name}: ${(error as Error).message}`, { cause: error });
        }
      }),
    );
    return {
      n: gold.length,
      ...scoreAgreement(gold, predicted, labels),
      ece,
      confusion: confusionMatrix(gold, predicted, labels),
      per_class: perClassScores(gold, predicted, labels),
      baselines,
    };
  } catch (error) {
    throw new Error(`axis ${axis.slug}: ${(error as Error).message}`, { cause: error });
  }
}

/** Accuracy, macro-F1 and kappa of predictions against gold, nulls for undefined values. */
function scoreAgreement(gold: readonly string[], predicted: readonly string[], labels: readonly string[]): BaselineScores {
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
