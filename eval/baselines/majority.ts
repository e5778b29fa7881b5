import { checkTrainingData, compareLabels, type Baseline, type Predictor } from './baseline.ts';

/** The most frequent label; ties go to the label that sorts first by code units. */
export function mostFrequentLabel(labels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const ranked = [...counts].sort(([a, ca], [b, cb]) => cb - ca || compareLabels(a, b));
  const top = ranked[0];
  if (top === undefined) throw new Error('cannot take the most frequent of no labels');
  return top[0];
}

/** Trains the majority baseline: always predicts the most frequent training label. */
export function trainMajority(texts: readonly string[], labels: readonly string[]): Predictor {
  checkTrainingData(texts, labels);
  const label = mostFrequentLabel(labels);
  return { predict: (inputs) => inputs.map(() => label) };
}

/** The majority baseline, under the name "majority". */
export const majorityBaseline: Baseline = { name: 'majority', train: trainMajority };
