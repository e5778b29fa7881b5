/** A trained predictor: one label per text, in input order. */
export interface Predictor {
  predict(texts: readonly string[]): string[];
}

/** Trains a predictor on texts and their labels (same length, same order). */
export type Trainer = (texts: readonly string[], labels: readonly string[]) => Predictor;

/** A named way to train a predictor; the name keys its results in the report. */
export interface Baseline {
  name: string;
  train: Trainer;
}

/** Throws unless there is at least one training item and texts and labels align. */
export function checkTrainingData(texts: readonly string[], labels: readonly string[]): void {
  if (texts.length !== labels.length) {
    throw new Error(`training data has ${texts.length} texts but ${labels.length} labels`);
  }
  if (texts.length === 0) throw new Error('training data is empty');
}

/**
 * Orders labels by UTF-16 code units, locale-independent, so that tie-breaks give the same
 * answer on every machine and in every run.
 */
export function compareLabels(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
