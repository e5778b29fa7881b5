import { axisLabels, type EvalAxis } from '../../eval/axis.ts';
import { macroF1 } from '../../eval/metrics/per-class.ts';
import { predictLabels } from './predict.ts';
import { trainingFolds, trainModel, type TrainingItem, type TrainOptions } from './train.ts';

/** The two dev cross-validation figures of one training setup and fold seed, per axis slug. */
export interface CvEstimate {
  /** Pooled out-of-fold macro-F1 at the best C of the grid (what the artifact records; optimistic). */
  bestC: Record<string, number>;
  /** Nested: C picked by an inner grouped CV on each outer fold's training documents, the outer fold scored once. */
  nested: Record<string, number>;
}

/**
 * Both cross-validation figures the README's "What was tried" table reports, for one seed (the
 * fold assignment of outer and inner folds). Scored on the items that are not train-only: train-
 * only items are fitted on in every outer fold that does not hold out their document, never
 * predicted, so a setup with extra training data is measured on the same items, with the same
 * folds, as the setup without.
 */
export function crossValidatedEstimate(items: readonly TrainingItem[], axes: readonly EvalAxis[], options: TrainOptions): CvEstimate {
  const full = trainModel(items, axes, options);
  const bestC = Object.fromEntries(full.axes.map((a) => [a.axis, Math.max(...a.cross_validation.map((p) => p.macro_f1 ?? 0))]));
  const k = full.training.folds;
  const folds = trainingFolds(items, k, options.seed);
  const predicted = new Array<Record<string, string> | undefined>(items.length);
  for (let fold = 0; fold < k; fold++) {
    const inner = items.filter((_, i) => folds[i] !== fold);
    const outerIdx = items.flatMap((item, i) => (folds[i] === fold && item.trainOnly !== true ? [i] : []));
    const model = trainModel(inner, axes, options);
    const labels = predictLabels(
      model,
      outerIdx.map((i) => (items[i] as TrainingItem).text),
    );
    outerIdx.forEach((i, j) => (predicted[i] = labels[j]));
  }
  const scored = items.flatMap((item, i) => (item.trainOnly === true ? [] : [i]));
  const nested = Object.fromEntries(
    axes.map((axis) => [
      axis.slug,
      macroF1(
        scored.map((i) => (items[i] as TrainingItem).labels[axis.slug] as string),
        scored.map((i) => (predicted[i] as Record<string, string>)[axis.slug] as string),
        axisLabels(axis),
      ),
    ]),
  );
  return { bestC, nested };
}
