import { checkTrainingData, compareLabels, type Trainer } from './baseline.ts';

/**
 * Assigns each item a fold in 0..k-1 so that all items of a group share a fold.
 * Deterministic and balanced: groups go largest first (ties by group id in code-unit order),
 * each to the fold with the fewest items so far (ties to the lowest fold).
 */
export function assignGroupFolds(groups: readonly string[], k: number): number[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`k must be a whole number >= 2, got ${k}`);
  const sizes = new Map<string, number>();
  for (const g of groups) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  if (sizes.size < k) {
    throw new Error(`cannot make ${k} folds from ${sizes.size} groups: every fold needs at least one group`);
  }
  const foldSizes = new Array<number>(k).fill(0);
  const foldOf = new Map<string, number>();
  const ordered = [...sizes].sort(([a, sa], [b, sb]) => sb - sa || compareLabels(a, b));
  for (const [group, size] of ordered) {
    const fold = foldSizes.indexOf(Math.min(...foldSizes));
    foldOf.set(group, fold);
    foldSizes[fold] = (foldSizes[fold] ?? 0) + size;
  }
  return groups.map((g) => foldOf.get(g) as number);
}

/**
 * K-fold cross-validation in which no group (document) is in both the training and the test
 * part of a fold, so passages of one document cannot leak its wording into its own test.
 * Returns one out-of-fold prediction per item, in input order.
 */
export function crossValidateByGroup(
  texts: readonly string[],
  labels: readonly string[],
  groups: readonly string[],
  k: number,
  train: Trainer,
): string[] {
  checkTrainingData(texts, labels);
  if (groups.length !== texts.length) {
    throw new Error(`cross-validation has ${texts.length} texts but ${groups.length} groups`);
  }
  const folds = assignGroupFolds(groups, k);
  const predictions = new Array<string>(texts.length);
  for (let fold = 0; fold < k; fold++) {
    const trainIdx = folds.flatMap((f, i) => (f === fold ? [] : [i]));
    const testIdx = folds.flatMap((f, i) => (f === fold ? [i] : []));
    const predictor = train(
      trainIdx.map((i) => texts[i] as string),
      trainIdx.map((i) => labels[i] as string),
    );
    const predicted = predictor.predict(testIdx.map((i) => texts[i] as string));
    if (predicted.length !== testIdx.length) {
      throw new Error(`fold ${fold}: predictor returned ${predicted.length} labels for ${testIdx.length} texts`);
    }
    testIdx.forEach((item, j) => {
      predictions[item] = predicted[j] as string;
    });
  }
  return predictions;
}
