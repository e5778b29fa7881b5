import { artifactWidth, type TrainedArtifact } from './artifact.ts';
import { axisFeatureRows, type FeatureLayout } from './features.ts';
import type { AxisTerms } from './lexicon-features.ts';
import { classScores } from './softmax-regression.ts';
import { temperedSoftmax } from './temperature.ts';

/** Per axis slug, the probability of each of the axis's four labels. */
export type AxisLabelProbabilities = Record<string, Record<string, number>>;

/**
 * Label probabilities of each text on each axis of a trained model: result[text][axis][label],
 * softmax(class scores / the axis's temperature). Pure: the artifact carries its vocabulary, keywords and weights. A model with embedding
 * columns needs `embeddings` (one vector per text, from the model the artifact names).
 */
export function predict(artifact: TrainedArtifact, texts: readonly string[], embeddings?: readonly (readonly number[])[]): AxisLabelProbabilities[] {
  const layout: FeatureLayout = {
    vocabulary: artifact.vocabulary.map(([term, idf]) => ({ term, idf })),
    tfidfLength: artifact.features.tfidf_length,
    lexicon: artifact.features.lexicon !== null,
    embeddingDimension: artifact.features.embedding?.dimension ?? 0,
  };
  const dimension = artifactWidth(artifact);
  const out: AxisLabelProbabilities[] = texts.map(() => ({}));
  for (const axis of artifact.axes) {
    const weights = axis.weights.flat();
    const rows = axisFeatureRows(layout, artifactAxisTerms(artifact, axis), texts, embeddings);
    rows.forEach((row, i) => {
      const p = temperedSoftmax(classScores({ dimension, classes: 4, weights }, row), axis.temperature);
      (out[i] as AxisLabelProbabilities)[axis.axis] = Object.fromEntries(axis.labels.map((label, k) => [label, p[k] as number]));
    });
  }
  return out;
}

/** The most probable label per text and axis (ties to the earlier label: pole A, pole B, neutral, irrelevant). */
export function predictLabels(artifact: TrainedArtifact, texts: readonly string[], embeddings?: readonly (readonly number[])[]): Record<string, string>[] {
  return predict(artifact, texts, embeddings).map((perAxis) =>
    Object.fromEntries(
      Object.entries(perAxis).map(([axis, probs]) => {
        let best: string | undefined;
        for (const [label, p] of Object.entries(probs)) if (best === undefined || p > (probs[best] as number)) best = label;
        return [axis, best as string];
      }),
    ),
  );
}

/** The lexicon terms and negation rule an artifact's axis model was trained with (null without lexicon columns). */
export function artifactAxisTerms(artifact: TrainedArtifact, axis: TrainedArtifact['axes'][number]): AxisTerms | null {
  const lexicon = artifact.features.lexicon;
  if (lexicon === null) return null;
  const [a, b] = axis.keywords ?? [[], []];
  return {
    poles: [a.map(([term, weight]) => ({ term, weight })), b.map(([term, weight]) => ({ term, weight }))],
    negation: lexicon.negation,
  };
}
