import type { EvalAxis } from '../eval/axis.ts';
import { labelProbabilities } from '../eval/label-probabilities.ts';
import type { Axis } from '../pipeline/axes.ts';
import type { TrainedArtifact } from '../pipeline/train/artifact.ts';
import type { MemberId } from '../pipeline/train/ensemble.ts';
import type { LexiconFile } from '../pipeline/lexicon/lexicon-file.ts';
import { scoreWithLexicon } from '../pipeline/lexicon/score.ts';
import { artifactAxisTerms, predict, type AxisLabelProbabilities } from '../pipeline/train/predict.ts';
import type { AxisTerms } from '../pipeline/train/lexicon-features.ts';
import { trainingGroup, trainModel, type TrainingItem } from '../pipeline/train/train.ts';
import type { EvalInference } from './eval-inference.ts';
import { axisFileSettings, scoreTexts } from './eval-score.ts';
import { toEvalAxis } from './eval-run.ts';

/**
 * A scorer as the ensemble uses it: a function from texts to per-axis label probabilities,
 * and, for a scorer that learns from the dev split, its out-of-fold probabilities (refitted
 * without each fold's documents) so that the stacker never sees a member's memorised answers.
 * The scorer family can provide any kind through this interface.
 */
export interface EnsembleMember {
  id: MemberId;
  predict(texts: readonly string[]): Promise<AxisLabelProbabilities[]>;
  /** Out-of-fold probabilities of the items under the fold assignment; members with nothing to learn omit it. */
  outOfFold?(items: readonly TrainingItem[], folds: readonly number[]): Promise<AxisLabelProbabilities[]>;
}

/**
 * The lexicon scorer as a member: labelProbabilities (eval/label-probabilities.ts) of its pole
 * probabilities and relevance, the same numbers it stores. Its version is the lexicon file's.
 */
export function lexiconMember(file: LexiconFile, axes: readonly Axis[]): EnsembleMember {
  return {
    id: { name: 'lexicon', version: file.version },
    predict: async (texts) =>
      scoreWithLexicon(file, texts, axes).map((row) => Object.fromEntries(axes.map((axis, x) => [axis.slug, labelProbabilities(toEvalAxis(axis), row[x] as Parameters<typeof labelProbabilities>[1])]))),
  };
}

/**
 * A trained model as a member. Its out-of-fold predictions come from refitting the same
 * features with the C the model chose, on each fold's other documents. (C itself was chosen by
 * a cross-validation over all of dev: a mild optimism the stacker inherits, documented.)
 */
export function trainedMember(artifact: TrainedArtifact, axes: readonly EvalAxis[], extra: readonly TrainingItem[] = []): EnsembleMember {
  // The refits must see the data the member saw: its extra train-only items too (--extra).
  const nExtra = artifact.training.n_extra_items ?? 0;
  if (extra.length !== nExtra) {
    throw new Error(`trained:${artifact.name} was trained with ${nExtra} extra item(s) but ${extra.length} were given: pass the same --extra file(s) as its training`);
  }
  if (artifact.training.split !== 'dev') {
    throw new Error(`trained:${artifact.name} was trained on the ${artifact.training.split} split; an ensemble member must be trained on dev only, so that nothing is fitted on test`);
  }
  if (artifact.features.embedding !== null) throw new Error(`trained:${artifact.name} uses embeddings, which the ensemble cannot refit yet; train the member without --with-embeddings`);
  // The refits use the terms and negation rule the artifact carries, not today's lexicon file.
  const spec = artifact.features.lexicon;
  const lexicon: LexiconFile | undefined = spec
    ? {
        negation: { cues: [...spec.negation.cues], window: spec.negation.window },
        smoothing: 1,
        relevanceScale: 1,
        minWords: 1,
        axes: Object.fromEntries(
          artifactAxesTerms(artifact).map(([a, terms]) => [a.axis, { poles: { [a.labels[0]]: [...terms.poles[0]], [a.labels[1]]: [...terms.poles[1]] } }]),
        ),
        version: spec.lexicon_version,
      }
    : undefined;
  return {
    id: { name: `trained:${artifact.name}`, version: artifact.version },
    predict: async (texts) => predict(artifact, texts),
    outOfFold: async (items, folds) => {
      const out = new Array<AxisLabelProbabilities>(items.length);
      const k = Math.max(...folds) + 1;
      for (let fold = 0; fold < k; fold++) {
        // An extra item is left out of the fold that holds its document out, like in training.
        const heldOutDocs = new Set(items.flatMap((item, i) => (folds[i] === fold ? [trainingGroup(item)] : [])));
        const trainItems = [...items.filter((_, i) => folds[i] !== fold), ...extra.filter((item) => !heldOutDocs.has(trainingGroup(item))).map((item) => ({ ...item, trainOnly: true }))];
        const testIdx = folds.flatMap((f, i) => (f === fold ? [i] : []));
        const refit = trainModel(trainItems, axes, {
          name: artifact.name,
          split: 'dev',
          seed: artifact.training.seed,
          cGrid: [],
          folds: artifact.training.folds,
          minDf: artifact.features.min_df,
          tfidfLength: artifact.features.tfidf_length,
          fixedC: Object.fromEntries(artifact.axes.map((a) => [a.axis, a.c])),
          // The member's own temperature, so that the stacker learns from probabilities on the scale it will be given.
          fixedTemperature: Object.fromEntries(artifact.axes.map((a) => [a.axis, a.temperature])),
          ...(lexicon && { lexicon }),
        });
        predict(refit, testIdx.map((i) => (items[i] as TrainingItem).text)).forEach((p, j) => {
          out[testIdx[j] as number] = p;
        });
      }
      return out;
    },
  };
}

/**
 * The nli or prototype scorer as a member, through the eval inference and the axes file's
 * thresholds: its label distribution is labelProbabilities (eval/label-probabilities.ts) of
 * the scorer's pole probabilities and relevance. It learns nothing from dev.
 */
export function modelMember(kind: 'nli' | 'prototype', inference: EvalInference, axes: Axis[]): EnsembleMember {
  const model = kind === 'nli' ? inference.nliModel : inference.embedModel;
  return {
    id: { name: kind, version: `${model.name}:${model.dtype}:${model.version}` },
    predict: async (texts) => {
      const scores = await scoreTexts(inference, kind, texts, axes, axisFileSettings(axes));
      return scores.map((row) => Object.fromEntries(axes.map((axis, x) => [axis.slug, labelProbabilities(toEvalAxis(axis), row[x] as Parameters<typeof labelProbabilities>[1])])));
    },
  };
}

function artifactAxesTerms(artifact: TrainedArtifact): [TrainedArtifact['axes'][number], AxisTerms][] {
  return artifact.axes.map((a) => [a, artifactAxisTerms(artifact, a) ?? { poles: [[], []], negation: { cues: [], window: 0 } }]);
}
