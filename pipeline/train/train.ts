import { axisLabels, type EvalAxis } from '../../eval/axis.ts';
import type { LexiconFile } from '../lexicon/lexicon-file.ts';
import { accuracy } from '../../eval/metrics/accuracy.ts';
import { macroF1 } from '../../eval/metrics/per-class.ts';
import { ARTIFACT_FORMAT, ARTIFACT_FORMAT_VERSION, LEXICON_COLUMN_SPEC, withVersion, type CvPoint, type TrainedArtifact, type TrainedAxisModel } from './artifact.ts';
import { canonicalHash, roundFloat } from './canonical-json.ts';
import { axisFeatureRows, layoutWidth, type FeatureLayout } from './features.ts';
import { seededGroupFolds } from './folds.ts';
import { axisTermsOf, type AxisTerms } from './lexicon-features.ts';
import { balancedSampleWeights, classScores, fitSoftmaxRegression, softmax } from './softmax-regression.ts';
import { calibrateTemperature } from './temperature.ts';
import { fitVocabulary } from './text-features.ts';

/** One labelled training passage (a gold item reduced to what training reads). */
export interface TrainingItem {
  id: string;
  text: string;
  /** The document, for grouping the folds; items without one are a document of their own. */
  doc?: string;
  labels: Record<string, string>;
  /**
   * An extra training passage (`stance train --extra`): fitted on like any other, but never
   * scored in cross-validation, so that the CV figures stay comparable with and without
   * extra data. It does not take part in assigning the folds; it joins the fold of its
   * document when the scored items hold that document, and is fitted in every fold otherwise.
   */
  trainOnly?: boolean;
}

/** How to train. */
export interface TrainOptions {
  name: string;
  split: 'dev' | 'test' | 'all';
  seed: number;
  /** Regularisation strengths tried by cross-validation. */
  cGrid: readonly number[];
  folds: number;
  minDf: number;
  /** Euclidean length of the TF-IDF part of each row (see DEFAULT_TRAIN_OPTIONS). */
  tfidfLength: number;
  /** The lexicon file (pipeline/lexicon) whose terms give the lexicon columns; none = no lexicon columns. */
  lexicon?: LexiconFile;
  /**
   * A fixed C per axis slug: no cross-validation for those axes (cross_validation is then
   * empty). For refitting a model with its chosen C on part of the data (the ensemble's folds).
   */
  fixedC?: Readonly<Record<string, number>>;
  /**
   * The temperature per axis slug for the axes of fixedC (default 1): a refit keeps the
   * temperature of the model it stands for, so that its probabilities are on the same scale.
   */
  fixedTemperature?: Readonly<Record<string, number>>;
  /** Chunk embeddings of the training texts (one per item) and the model that made them; none = no embedding columns. */
  embeddings?: { model: string; vectors: readonly (readonly number[])[] };
}

/**
 * Defaults of `stance train`: 5 grouped folds, C from 0.01 to 100, n-grams in at least 3
 * passages (min_df 3 had the best mean dev cross-validated macro-F1 of the axes among 1 to 5),
 * TF-IDF rows of length 2 (against the lexicon columns; 2 had the best nested dev
 * cross-validated macro-F1 among 0.5, 1, 1.5, 2 and 3 and the other variants tried, see the
 * README, "Training a classifier").
 */
export const DEFAULT_TRAIN_OPTIONS = { seed: 20240601, cGrid: [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100], folds: 5, minDf: 3, tfidfLength: 2 } as const;

/** The document an item belongs to, for grouping. */
export function trainingGroup(item: TrainingItem): string {
  return item.doc ?? `id:${item.id}`;
}

/** SHA-256 of the training items (id, text, doc, labels) in a canonical form: which data a model saw. */
export function trainingSetHash(items: readonly TrainingItem[]): string {
  // train_only only when set, so that a set without extra items keeps the hash it always had.
  return canonicalHash(items.map((i) => ({ id: i.id, text: i.text, doc: i.doc ?? null, labels: i.labels, ...(i.trainOnly === true && { train_only: true }) })));
}

/**
 * The cross-validation fold of each item (-1: fitted in every fold, never held out). The folds
 * are assigned over the documents of the scored items only, so extra train-only items leave
 * the assignment as it is without them; a train-only item takes its document's fold.
 */
export function trainingFolds(items: readonly TrainingItem[], k: number, seed: number): number[] {
  const scored = items.filter((i) => i.trainOnly !== true);
  const scoredFolds = seededGroupFolds(scored.map(trainingGroup), k, seed);
  const foldOfGroup = new Map(scored.map((item, j) => [trainingGroup(item), scoredFolds[j] as number]));
  return items.map((item) => foldOfGroup.get(trainingGroup(item)) ?? -1);
}

/** The vocabulary of the texts with idf rounded as stored, so training and prediction use the same numbers. */
function roundedVocabulary(texts: readonly string[], minDf: number) {
  return fitVocabulary(texts, minDf).map((e) => ({ term: e.term, idf: roundFloat(e.idf) }));
}

/** Fits one axis's classifier on rows and gold labels with balanced class weights; returns its rounded weights. */
export function fitAxisWeights(rows: Parameters<typeof fitSoftmaxRegression>[0]['rows'], targets: readonly number[], dimension: number, c: number): number[][] {
  const model = fitSoftmaxRegression({ rows, targets, sampleWeights: balancedSampleWeights(targets), dimension, classes: 4 }, c);
  const stride = dimension + 1;
  return [0, 1, 2, 3].map((k) => Array.from(model.weights.subarray(k * stride, (k + 1) * stride), roundFloat));
}

/** Index of the most probable label; ties go to the earlier label in axis order. */
export function argmax(p: readonly number[]): number {
  let best = 0;
  p.forEach((v, k) => {
    if (v > (p[best] as number)) best = k;
  });
  return best;
}

/** Out-of-fold results of one axis for each C of the grid: labels[c][item] and class scores[c][item]. */
interface CrossValidated {
  labels: string[][];
  scores: number[][][];
}

/**
 * Out-of-fold label and class scores of each item for each C, from a grouped cross-validation
 * of one axis; train-only items are fitted on and get no label (their entries stay empty).
 */
function crossValidate(
  items: readonly TrainingItem[],
  axis: EvalAxis,
  keywords: AxisTerms | null,
  options: TrainOptions,
  folds: readonly number[],
  k: number,
): CrossValidated {
  const labels = axisLabels(axis);
  const out = options.cGrid.map(() => new Array<string>(items.length));
  const scores = options.cGrid.map(() => new Array<number[]>(items.length));
  for (let fold = 0; fold < k; fold++) {
    const trainIdx = folds.flatMap((f, i) => (f === fold ? [] : [i]));
    const testIdx = folds.flatMap((f, i) => (f === fold && (items[i] as TrainingItem).trainOnly !== true ? [i] : []));
    const layout: FeatureLayout = {
      vocabulary: roundedVocabulary(trainIdx.map((i) => (items[i] as TrainingItem).text), options.minDf),
      tfidfLength: options.tfidfLength,
      lexicon: options.lexicon !== undefined,
      embeddingDimension: options.embeddings?.vectors[0]?.length ?? 0,
    };
    const rowsOf = (idx: number[]) =>
      axisFeatureRows(
        layout,
        keywords,
        idx.map((i) => (items[i] as TrainingItem).text),
        options.embeddings ? idx.map((i) => options.embeddings?.vectors[i] ?? []) : undefined,
      );
    const trainRows = rowsOf(trainIdx);
    const testRows = rowsOf(testIdx);
    const targets = trainIdx.map((i) => labels.indexOf((items[i] as TrainingItem).labels[axis.slug] as string));
    const dimension = layoutWidth(layout);
    options.cGrid.forEach((c, ci) => {
      const weights = fitAxisWeights(trainRows, targets, dimension, c).flat();
      testRows.forEach((row, j) => {
        const z = classScores({ dimension, classes: 4, weights }, row);
        (out[ci] as string[])[testIdx[j] as number] = labels[argmax(softmax(z))] as string;
        (scores[ci] as number[][])[testIdx[j] as number] = z;
      });
    });
  }
  return { labels: out, scores };
}

/**
 * Trains one multinomial logistic regression per axis (labels: pole A, pole B, neutral,
 * irrelevant) on TF-IDF uni- and bigrams, lexicon hits per pole and, if given, embeddings.
 * C is chosen per axis by a cross-validation grouped by document on the training items (the
 * best pooled out-of-fold macro-F1; ties to the smaller C, the simpler model); the final model
 * is fitted on all training items. A softmax temperature per axis is fitted on the same
 * out-of-fold scores at the chosen C (the lowest NLL of the gold labels; temperature.ts): C
 * was chosen for macro-F1, not for calibrated probabilities. Deterministic: the same items, axes and options give the
 * same artifact, to the byte once serialised.
 */
export function trainModel(items: readonly TrainingItem[], axes: readonly EvalAxis[], options: TrainOptions): TrainedArtifact {
  if (items.length === 0) throw new Error('no training items: the chosen split of the set is empty');
  if (options.embeddings && options.embeddings.vectors.length !== items.length) {
    throw new Error(`${items.length} training items but ${options.embeddings.vectors.length} embeddings`);
  }
  const groups = items.map(trainingGroup);
  const nDocs = new Set(groups).size;
  const scoredIdx = items.flatMap((item, i) => (item.trainOnly === true ? [] : [i]));
  const nScoredDocs = new Set(scoredIdx.map((i) => groups[i])).size;
  const k = Math.min(options.folds, nScoredDocs);
  const needsCv = axes.some((axis) => options.fixedC?.[axis.slug] === undefined);
  if (needsCv && options.cGrid.length === 0) throw new Error('the C grid is empty');
  if (needsCv && k < 2) throw new Error(`cross-validation needs at least 2 documents in the training split, found ${nScoredDocs}`);
  const folds = needsCv ? trainingFolds(items, k, options.seed) : [];
  const texts = items.map((i) => i.text);
  const layout: FeatureLayout = {
    vocabulary: roundedVocabulary(texts, options.minDf),
    tfidfLength: options.tfidfLength,
    lexicon: options.lexicon !== undefined,
    embeddingDimension: options.embeddings?.vectors[0]?.length ?? 0,
  };
  const dimension = layoutWidth(layout);

  const axisModels: TrainedAxisModel[] = axes.map((axis) => {
    const labels = axisLabels(axis);
    const keywords = options.lexicon ? axisTermsOf(options.lexicon, axis) : null;
    const gold = items.map((i) => {
      const label = i.labels[axis.slug];
      if (label === undefined || !labels.includes(label)) throw new Error(`item ${i.id} has no valid label for axis ${axis.slug}`);
      return label;
    });
    const fixed = options.fixedC?.[axis.slug];
    const cv = fixed === undefined ? crossValidate(items, axis, keywords, options, folds, k) : undefined;
    // Scored on the items that are not train-only: the out-of-fold labels of the set itself.
    const scoredGold = scoredIdx.map((i) => gold[i] as string);
    const points: CvPoint[] =
      cv !== undefined
        ? options.cGrid.map((c, ci) => {
            const predicted = scoredIdx.map((i) => (cv.labels[ci] as string[])[i] as string);
            return { c, macro_f1: roundFloat(macroF1(scoredGold, predicted, labels)), accuracy: roundFloat(accuracy(scoredGold, predicted, labels)) };
          })
        : [];
    let best = 0;
    points.forEach((p, i) => {
      if ((p.macro_f1 ?? -1) > ((points[best] as CvPoint).macro_f1 ?? -1)) best = i;
    });
    const c = fixed ?? (options.cGrid[best] as number);
    // The temperature is fitted on the pooled out-of-fold scores at the chosen C (the set's
    // own items, as the CV figures), never on the items the final model is fitted on.
    const { temperature, calibration } =
      cv !== undefined
        ? calibrateTemperature(
            scoredIdx.map((i) => (cv.scores[best] as number[][])[i] as number[]),
            scoredIdx.map((i) => labels.indexOf(gold[i] as string)),
            roundFloat,
          )
        : { temperature: options.fixedTemperature?.[axis.slug] ?? 1, calibration: null };
    const rows = axisFeatureRows(layout, keywords, texts, options.embeddings?.vectors);
    const weights = fitAxisWeights(rows, gold.map((g) => labels.indexOf(g)), dimension, c);
    return {
      axis: axis.slug,
      labels: labels as TrainedAxisModel['labels'],
      keywords: keywords ? [keywords.poles[0].map((t) => [t.term, t.weight] as [string, number]), keywords.poles[1].map((t) => [t.term, t.weight] as [string, number])] : null,
      c,
      cross_validation: points,
      weights,
      temperature,
      calibration,
    };
  });

  return withVersion({
    format: ARTIFACT_FORMAT,
    format_version: ARTIFACT_FORMAT_VERSION,
    kind: 'trained',
    name: options.name,
    version: '',
    features: {
      ngrams: [1, 2],
      tokens: 'nfkc-lowercase-letter-digit-runs',
      min_df: options.minDf,
      tf: 'sublinear',
      idf: 'smooth',
      norm: 'l2',
      tfidf_length: options.tfidfLength,
      lexicon: options.lexicon
        ? { columns: LEXICON_COLUMN_SPEC, lexicon_version: options.lexicon.version, negation: { cues: [...options.lexicon.negation.cues], window: options.lexicon.negation.window } }
        : null,
      embedding: options.embeddings ? { model: options.embeddings.model, dimension: layout.embeddingDimension } : null,
    },
    vocabulary: layout.vocabulary.map((e) => [e.term, e.idf] as [string, number]),
    training: {
      set_sha256: trainingSetHash(items),
      split: options.split,
      n_items: items.length,
      // Only with extra items, so that an artifact trained without them keeps its bytes.
      ...(scoredIdx.length < items.length && { n_extra_items: items.length - scoredIdx.length }),
      n_documents: nDocs,
      seed: options.seed,
      folds: k,
      c_grid: [...options.cGrid],
      class_weight: 'balanced',
      selection: 'max pooled out-of-fold macro-F1, ties to the smaller C',
    },
    axes: axisModels,
  });
}
