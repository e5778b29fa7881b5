import { axisLabels, type EvalAxis } from '../../eval/axis.ts';
import { accuracy } from '../../eval/metrics/accuracy.ts';
import { macroF1 } from '../../eval/metrics/per-class.ts';
import { ARTIFACT_FORMAT, ARTIFACT_FORMAT_VERSION, withVersion, type CvPoint, type EnsembleArtifact } from './artifact.ts';
import { roundFloat } from './canonical-json.ts';
import { seededGroupFolds } from './folds.ts';
import type { AxisLabelProbabilities } from './predict.ts';
import { classScores, softmax } from './softmax-regression.ts';
import { calibrateTemperature, temperedSoftmax } from './temperature.ts';
import type { SparseRow } from './sparse.ts';
import { argmax, fitAxisWeights, trainingGroup, trainingSetHash, type TrainingItem } from './train.ts';

/** Probabilities below this enter the stacker as this: a member's "impossible" label costs a bounded amount. */
export const LOG_PROBABILITY_FLOOR = 1e-4;

/** A member of an ensemble as the stacker sees it: its scorer name and version. */
export interface MemberId {
  name: string;
  version: string;
}

/**
 * The stacker's input row of one passage on one axis: for each member (in order), the log of
 * its probability for each of the axis's four labels, floored at LOG_PROBABILITY_FLOOR.
 * Throws when a member gave no distribution for the axis.
 */
export function stackingRow(memberProbabilities: readonly AxisLabelProbabilities[], axis: EvalAxis, members: readonly MemberId[]): SparseRow {
  const labels = axisLabels(axis);
  const values: number[] = [];
  memberProbabilities.forEach((perAxis, m) => {
    const p = perAxis[axis.slug];
    if (p === undefined) throw new Error(`ensemble member ${members[m]?.name ?? m} gave no probabilities for axis ${axis.slug}`);
    for (const label of labels) values.push(Math.log(Math.max(p[label] ?? 0, LOG_PROBABILITY_FLOOR)));
  });
  return { indices: values.map((_, j) => j), values };
}

/** What fitting an ensemble needs. */
export interface EnsembleFitInput {
  name: string;
  members: readonly MemberId[];
  /** The dev items the stacker learns from. */
  items: readonly TrainingItem[];
  /**
   * Per member, its out-of-fold label probabilities for each item (outOfFold[member][item]):
   * from a model that did not see the item's document (members with nothing to learn: their plain output).
   */
  outOfFold: readonly (readonly AxisLabelProbabilities[])[];
  axes: readonly EvalAxis[];
  seed: number;
  cGrid: readonly number[];
  folds: number;
}

/**
 * Fits a stacked ensemble: per axis, a multinomial logistic regression (balanced class
 * weights, L2, C chosen by cross-validation grouped by document as for trained models) on the
 * members' log probabilities of the four labels. Learned weights say how far to trust each
 * member for each label; fitted on out-of-fold dev predictions only, so that a member that
 * memorised its training data is not trusted for it. A temperature per axis is then fitted on
 * the stacker's own out-of-fold scores at the chosen C, as for a trained model.
 */
export function fitEnsemble(input: EnsembleFitInput): EnsembleArtifact {
  const { items, members, axes } = input;
  if (items.length === 0) throw new Error('no dev items to fit the ensemble on');
  if (input.outOfFold.length !== members.length) throw new Error(`${members.length} members but ${input.outOfFold.length} prediction sets`);
  input.outOfFold.forEach((preds, m) => {
    if (preds.length !== items.length) throw new Error(`member ${members[m]?.name}: ${preds.length} predictions for ${items.length} items`);
  });
  const groups = items.map(trainingGroup);
  const nDocs = new Set(groups).size;
  const k = Math.min(input.folds, nDocs);
  if (k < 2) throw new Error(`cross-validation needs at least 2 documents, found ${nDocs}`);
  const folds = seededGroupFolds(groups, k, input.seed);
  const dimension = members.length * 4;
  const axisModels = axes.map((axis) => {
    const labels = axisLabels(axis);
    const rows = items.map((_, i) => stackingRow(input.outOfFold.map((preds) => preds[i] as AxisLabelProbabilities), axis, members));
    const gold = items.map((item) => {
      const label = item.labels[axis.slug];
      if (label === undefined || !labels.includes(label)) throw new Error(`item ${item.id} has no valid label for axis ${axis.slug}`);
      return label;
    });
    const targets = gold.map((g) => labels.indexOf(g));
    // Out-of-fold class scores per C: the labels for choosing C, the scores for the temperature.
    const oofScores = input.cGrid.map(() => new Array<number[]>(items.length));
    const points: CvPoint[] = input.cGrid.map((c, ci) => {
      const predicted = new Array<string>(items.length);
      for (let fold = 0; fold < k; fold++) {
        const trainIdx = folds.flatMap((f, i) => (f === fold ? [] : [i]));
        const testIdx = folds.flatMap((f, i) => (f === fold ? [i] : []));
        const weights = fitAxisWeights(trainIdx.map((i) => rows[i] as SparseRow), trainIdx.map((i) => targets[i] as number), dimension, c).flat();
        for (const i of testIdx) {
          const z = classScores({ dimension, classes: 4, weights }, rows[i] as SparseRow);
          predicted[i] = labels[argmax(softmax(z))] as string;
          (oofScores[ci] as number[][])[i] = z;
        }
      }
      return { c, macro_f1: roundFloat(macroF1(gold, predicted, labels)), accuracy: roundFloat(accuracy(gold, predicted, labels)) };
    });
    let best = 0;
    points.forEach((p, i) => {
      if ((p.macro_f1 ?? -1) > ((points[best] as CvPoint).macro_f1 ?? -1)) best = i;
    });
    const c = input.cGrid[best] as number;
    // As for a trained model: the temperature minimises the NLL of the stacker's out-of-fold scores at the chosen C.
    const { temperature, calibration } = calibrateTemperature(oofScores[best] as number[][], targets, roundFloat);
    return { axis: axis.slug, labels: labels as [string, string, string, string], c, cross_validation: points, weights: fitAxisWeights(rows, targets, dimension, c), temperature, calibration };
  });
  return withVersion({
    format: ARTIFACT_FORMAT,
    format_version: ARTIFACT_FORMAT_VERSION,
    kind: 'ensemble',
    name: input.name,
    version: '',
    members: members.map((m) => ({ name: m.name, version: m.version })),
    features: { input: 'log-probabilities', floor: LOG_PROBABILITY_FLOOR },
    training: {
      set_sha256: trainingSetHash(items),
      split: 'dev',
      n_items: items.length,
      n_documents: nDocs,
      seed: input.seed,
      folds: k,
      c_grid: [...input.cGrid],
      class_weight: 'balanced',
      member_predictions: 'out-of-fold on dev (trained members refitted per fold)',
    },
    axes: axisModels,
  });
}

/**
 * The ensemble's label probabilities per text and axis, from its members' probabilities for
 * the same texts (memberProbabilities[member][text], members in the artifact's order).
 */
export function predictEnsemble(artifact: EnsembleArtifact, memberProbabilities: readonly (readonly AxisLabelProbabilities[])[]): AxisLabelProbabilities[] {
  if (memberProbabilities.length !== artifact.members.length) {
    throw new Error(`ensemble ${artifact.name} has ${artifact.members.length} members (${artifact.members.map((m) => m.name).join(', ')}) but got ${memberProbabilities.length} prediction sets`);
  }
  const n = memberProbabilities[0]?.length ?? 0;
  const dimension = artifact.members.length * 4;
  const out: AxisLabelProbabilities[] = Array.from({ length: n }, () => ({}));
  for (const axis of artifact.axes) {
    const evalAxis: EvalAxis = { slug: axis.axis, poles: [axis.labels[0], axis.labels[1]] };
    const weights = axis.weights.flat();
    for (let i = 0; i < n; i++) {
      const row = stackingRow(memberProbabilities.map((preds) => preds[i] as AxisLabelProbabilities), evalAxis, artifact.members);
      const p = temperedSoftmax(classScores({ dimension, classes: 4, weights }, row), axis.temperature);
      (out[i] as AxisLabelProbabilities)[axis.axis] = Object.fromEntries(axis.labels.map((label, k) => [label, p[k] as number]));
    }
  }
  return out;
}
