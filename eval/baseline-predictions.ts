import type { EvalAxis } from './axis.ts';
import type { Baseline } from './baselines/baseline.ts';
import { crossValidateByGroup } from './baselines/cross-validate.ts';
import { lexiconBaseline, LexiconError, type Lexicon } from './baselines/lexicon.ts';
import { majorityBaseline } from './baselines/majority.ts';
import { bowBaseline } from './baselines/naive-bayes.ts';
import { goldLabels, type GoldItem } from './gold-set.ts';

/** Folds of the cross-validation used when the dev split itself is scored (fewer when dev has fewer documents). */
export const CV_FOLDS = 5;

/** The document an item comes from, for grouping: its `doc`, or the item itself when it names none. */
export function itemGroup(item: GoldItem): string {
  return item.doc ?? `id:${item.id}`;
}

/** Baseline labels for the scored items of one axis, and notes on baselines that could not run. */
export interface BaselinePredictions {
  predictions: Record<string, string[]>;
  notes: string[];
}

/**
 * Runs the baselines (majority, lexicon, bow) for one axis on the scored items. Trained
 * baselines learn from the dev items only: a test item gets the prediction of a model trained
 * on all of dev; a dev item (when dev is scored) gets the out-of-fold prediction of a
 * cross-validation over dev grouped by document, so no document is in its own training data.
 * A baseline that cannot run (no dev items; dev scored but fewer than 2 documents; no lexicon
 * entry for the axis) is left out, with a note saying why.
 */
export function baselinePredictions(
  axis: EvalAxis,
  scored: readonly GoldItem[],
  dev: readonly GoldItem[],
  lexicon: Lexicon | undefined,
): BaselinePredictions {
  const notes: string[] = [];
  const baselines: Baseline[] = [majorityBaseline];
  if (lexicon !== undefined) {
    try {
      baselines.push(lexiconBaseline(lexicon, axis));
    } catch (error) {
      if (!(error instanceof LexiconError)) throw error;
      notes.push(`lexicon baseline left out on ${axis.slug}: ${error.message}`);
    }
  }
  baselines.push(bowBaseline());

  const devTexts = dev.map((i) => i.text);
  const devGold = goldLabels(dev, axis.slug);
  const devGroups = dev.map(itemGroup);
  const folds = Math.min(CV_FOLDS, new Set(devGroups).size);
  const scoresDev = scored.some((i) => i.split === 'dev');
  const predictions: Record<string, string[]> = {};
  for (const baseline of baselines) {
    if (baseline.name === 'lexicon') {
      // Nothing to learn: no folds needed, the same keywords label every item.
      predictions[baseline.name] = baseline.train([], []).predict(scored.map((i) => i.text));
      continue;
    }
    if (dev.length === 0) {
      notes.push(`${baseline.name} baseline left out on ${axis.slug}: the set has no dev items to train on`);
      continue;
    }
    if (scoresDev && folds < 2) {
      notes.push(`${baseline.name} baseline left out on ${axis.slug}: cross-validation over dev needs at least 2 documents`);
      continue;
    }
    const outOfFold = new Map<string, string>();
    if (scoresDev) {
      crossValidateByGroup(devTexts, devGold, devGroups, folds, baseline.train).forEach((label, i) => {
        outOfFold.set((dev[i] as GoldItem).id, label);
      });
    }
    const test = scored.filter((i) => i.split !== 'dev');
    const testLabels = test.length > 0 ? baseline.train(devTexts, devGold).predict(test.map((i) => i.text)) : [];
    const testLabelOf = new Map(test.map((item, i) => [item.id, testLabels[i] as string]));
    predictions[baseline.name] = scored.map((item) => {
      const label = item.split === 'dev' ? outOfFold.get(item.id) : testLabelOf.get(item.id);
      if (label === undefined) throw new Error(`baseline ${baseline.name}: no prediction for item ${item.id}`);
      return label;
    });
  }
  return { predictions, notes };
}
