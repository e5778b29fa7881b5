import { readFileSync } from 'node:fs';
import { axisLabels, type EvalAxis } from '../eval/axis.ts';
import { itemGroup } from '../eval/baseline-predictions.ts';
import { filterSplit, goldLabels, parseGoldSet, type GoldItem } from '../eval/gold-set.ts';
import { loadLexiconFile } from '../pipeline/lexicon/load.ts';
import type { LexiconFile } from '../pipeline/lexicon/lexicon-file.ts';
import { DEFAULT_REPLICATES, documentResamples, percentileInterval, type Interval } from '../eval/metrics/bootstrap.ts';
import { accuracy, macroF1 } from '../eval/metrics/index.ts';
import { resampledConfusionMetrics } from '../eval/metrics/resampled.ts';
import { loadAxesFile } from '../pipeline/load-axes.ts';
import { serializeArtifact, type TrainedArtifact } from '../pipeline/train/artifact.ts';
import { predictLabels } from '../pipeline/train/predict.ts';
import { DEFAULT_TRAIN_OPTIONS, trainModel, type TrainOptions } from '../pipeline/train/train.ts';
import { toEvalAxis } from './eval-run.ts';
import { DEFAULT_EXTRA_SET, readExtraItems } from './train-extra.ts';
import { projectFile } from '../config/project-files.ts';

/** The project's gold set: the default training data. */
export const DEFAULT_GOLD_SET = projectFile('eval/gold.jsonl');
/** Where the default trained model is committed (`npm run train:default` rewrites it). */
export const DEFAULT_ARTIFACT_PATH = projectFile('config/trained/default.json');

/** The lexicon file whose terms give the lexicon columns (pipeline/lexicon; the project's config/lexicon.json unless a path is given). */
export function readTrainingLexicon(path?: string): LexiconFile {
  return loadLexiconFile(path);
}

/** How a trained model did on held-out items, for reporting only (nothing is chosen on them). */
export interface HeldOutScores {
  n: number;
  n_documents: number;
  accuracy: number | null;
  macro_f1: number | null;
  /** 95% document-bootstrap interval of macro-F1. */
  macro_f1_ci: Interval;
}

/** Macro-F1 and accuracy of a trained model on items it did not see, per axis, with document-bootstrap intervals. */
export function heldOutScores(artifact: TrainedArtifact, axes: readonly EvalAxis[], items: readonly GoldItem[], seed: number): Record<string, HeldOutScores> {
  return heldOutScoresOf(predictLabels(artifact, items.map((i) => i.text)), axes, items, seed);
}

/** Macro-F1 and accuracy of predicted labels (per item, per axis) against gold, with document-bootstrap intervals. */
export function heldOutScoresOf(
  predicted: readonly Record<string, string>[],
  axes: readonly EvalAxis[],
  items: readonly GoldItem[],
  seed: number,
): Record<string, HeldOutScores> {
  const groups = items.map(itemGroup);
  const resamples = documentResamples(groups, DEFAULT_REPLICATES, seed);
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return Object.fromEntries(
    axes.map((axis) => {
      const labels = axisLabels(axis);
      const gold = goldLabels(items, axis.slug);
      const pred = predicted.map((p) => p[axis.slug] as string);
      const ci = percentileInterval(resampledConfusionMetrics(gold, pred, labels, resamples).map((m) => m.macro_f1));
      return [
        axis.slug,
        { n: items.length, n_documents: new Set(groups).size, accuracy: finite(accuracy(gold, pred, labels)), macro_f1: finite(macroF1(gold, pred, labels)), macro_f1_ci: ci },
      ];
    }),
  );
}

/**
 * The default model: trained on the dev split of eval/gold.jsonl and the extra training
 * passages of eval/train-extra.jsonl (train-only: never scored in its cross-validation) for the axes of
 * config/axes.json, with the lexicon columns of config/lexicon.json (pipeline/lexicon), no embeddings, the default
 * seed and grid. `npm run train:default` writes it; a test retrains it and compares bytes.
 */
export function trainDefaultArtifact(): TrainedArtifact {
  const axes = loadAxesFile().map(toEvalAxis);
  const items = parseGoldSet(readFileSync(DEFAULT_GOLD_SET, 'utf8'), DEFAULT_GOLD_SET, axes);
  const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, name: 'default', split: 'dev', lexicon: readTrainingLexicon() };
  return trainModel([...filterSplit(items, 'dev'), ...readExtraItems([DEFAULT_EXTRA_SET], items, 'dev', axes)], axes, options);
}

/** The committed default artifact's expected bytes. */
export function defaultArtifactBytes(): string {
  return serializeArtifact(trainDefaultArtifact());
}
