import { checkTrainingData, compareLabels, type Baseline, type Predictor } from './baseline.ts';
import { tokenize, type TokenizeOptions } from './tokenize.ts';

/** Options of the multinomial naive Bayes model. */
export interface NaiveBayesOptions extends TokenizeOptions {
  /** Additive (Laplace) smoothing per token and class; must be > 0. Default 1. */
  smoothing?: number;
}

/** A trained naive Bayes model: labels, and probabilities over the training classes. */
export interface NaiveBayesModel extends Predictor {
  /** The classes seen in training, in code-unit order (the tie-break order). */
  classes: string[];
  /** One map per text from class to posterior probability; each map sums to 1. */
  predictProba(texts: readonly string[]): Record<string, number>[];
}

/**
 * Trains multinomial naive Bayes on token counts with additive smoothing.
 * Tokens never seen in training are ignored at prediction time (they carry no evidence).
 * Ties in the posterior go to the class that sorts first by code units.
 */
export function trainNaiveBayes(
  texts: readonly string[],
  labels: readonly string[],
  options: NaiveBayesOptions = {},
): NaiveBayesModel {
  checkTrainingData(texts, labels);
  const smoothing = options.smoothing ?? 1;
  if (!(smoothing > 0) || !Number.isFinite(smoothing)) {
    throw new Error(`smoothing must be a finite number > 0, got ${smoothing}`);
  }
  const classes = [...new Set(labels)].sort(compareLabels);
  const classIndex = new Map(classes.map((c, i) => [c, i] as const));
  const docCounts = classes.map(() => 0);
  const tokenCounts = classes.map(() => new Map<string, number>());
  const tokenTotals = classes.map(() => 0);
  const vocabulary = new Set<string>();

  texts.forEach((text, i) => {
    const c = classIndex.get(labels[i] as string) as number;
    docCounts[c] = (docCounts[c] ?? 0) + 1;
    const counts = tokenCounts[c] as Map<string, number>;
    for (const token of tokenize(text, options)) {
      counts.set(token, (counts.get(token) ?? 0) + 1);
      tokenTotals[c] = (tokenTotals[c] ?? 0) + 1;
      vocabulary.add(token);
    }
  });

  const logPriors = docCounts.map((d) => Math.log(d / texts.length));
  const logDenominators = tokenTotals.map((t) => Math.log(t + smoothing * vocabulary.size));

  const logPosteriors = (text: string): number[] => {
    const tokens = tokenize(text, options).filter((t) => vocabulary.has(t));
    return classes.map((_, c) => {
      const counts = tokenCounts[c] as Map<string, number>;
      const denominator = logDenominators[c] as number;
      let score = logPriors[c] as number;
      for (const token of tokens) score += Math.log((counts.get(token) ?? 0) + smoothing) - denominator;
      return score;
    });
  };

  const predictOne = (text: string): string => {
    const scores = logPosteriors(text);
    let best = 0;
    // Strict > keeps the earliest class on ties, i.e. the first in code-unit order.
    scores.forEach((s, c) => {
      if (s > (scores[best] as number)) best = c;
    });
    return classes[best] as string;
  };

  const probaOne = (text: string): Record<string, number> => {
    const scores = logPosteriors(text);
    // Subtract the max before exp so long texts do not underflow every class to 0.
    const max = Math.max(...scores);
    const weights = scores.map((s) => Math.exp(s - max));
    const total = weights.reduce((a, b) => a + b, 0);
    return Object.fromEntries(classes.map((c, i) => [c, (weights[i] as number) / total]));
  };

  return {
    classes,
    predict: (inputs) => inputs.map(predictOne),
    predictProba: (inputs) => inputs.map(probaOne),
  };
}

/** The bag-of-words naive Bayes baseline, under the name "bow". */
export function bowBaseline(options: NaiveBayesOptions = {}): Baseline {
  return { name: 'bow', train: (texts, labels) => trainNaiveBayes(texts, labels, options) };
}
