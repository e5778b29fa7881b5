import { describe, expect, it } from 'vitest';
import type { Trainer } from '../../eval/baselines/baseline.ts';
import { assignGroupFolds, crossValidateByGroup } from '../../eval/baselines/cross-validate.ts';
import { trainMajority } from '../../eval/baselines/majority.ts';

// Documents d1 (3 passages), d2 (2), d3 (1), d4 (1).
const GROUPS = ['d1', 'd1', 'd1', 'd2', 'd2', 'd3', 'd4'];
const TEXTS = GROUPS.map((g, i) => `${g}#${i}`);
const LABELS = ['x', 'x', 'x', 'y', 'y', 'y', 'x'];

describe('assignGroupFolds', () => {
  it('assigns largest groups first to the emptiest fold', () => {
    // d1 (3) -> fold 0 [3, 0]; d2 (2) -> fold 1 [3, 2]; d3 (1) -> fold 1 [3, 3]; d4 (1) -> fold 0 (tie, lowest) [4, 3].
    expect(assignGroupFolds(GROUPS, 2)).toEqual([0, 0, 0, 1, 1, 1, 0]);
  });

  it('does not depend on the order of the items', () => {
    const reversed = [...GROUPS].reverse();
    const folds = assignGroupFolds(reversed, 2);
    const foldOf = new Map(reversed.map((g, i) => [g, folds[i]]));
    expect([...foldOf].sort()).toEqual([
      ['d1', 0],
      ['d2', 1],
      ['d3', 1],
      ['d4', 0],
    ]);
  });

  it('refuses k < 2 and more folds than groups', () => {
    expect(() => assignGroupFolds(GROUPS, 1)).toThrow('k must be a whole number >= 2');
    expect(() => assignGroupFolds(GROUPS, 5)).toThrow('cannot make 5 folds from 4 groups');
  });
});

describe('crossValidateByGroup', () => {
  it('never trains on a group it tests on, and predicts every item once', () => {
    const groupOf = new Map(TEXTS.map((t, i) => [t, GROUPS[i]]));
    const trainedGroups: Set<string | undefined>[] = [];
    const testedGroups: Set<string | undefined>[] = [];
    const spy: Trainer = (texts) => {
      trainedGroups.push(new Set(texts.map((t) => groupOf.get(t))));
      return {
        predict: (inputs) => {
          testedGroups.push(new Set(inputs.map((t) => groupOf.get(t))));
          return inputs.map((t) => `pred:${t}`);
        },
      };
    };
    const predictions = crossValidateByGroup(TEXTS, LABELS, GROUPS, 3, spy);
    expect(trainedGroups).toHaveLength(3);
    trainedGroups.forEach((trained, fold) => {
      for (const g of testedGroups[fold] ?? []) expect(trained.has(g)).toBe(false);
    });
    expect(predictions).toEqual(TEXTS.map((t) => `pred:${t}`));
  });

  it('returns out-of-fold predictions in input order (majority baseline, by hand)', () => {
    // Fold 0 tests d1, d4 and trains on d2, d3 (y y y) -> y. Fold 1 tests d2, d3 and trains on d1, d4 (x x x x) -> x.
    expect(crossValidateByGroup(TEXTS, LABELS, GROUPS, 2, trainMajority)).toEqual(['y', 'y', 'y', 'x', 'x', 'x', 'y']);
  });

  it('rejects misaligned groups and predictors that return the wrong number of labels', () => {
    expect(() => crossValidateByGroup(TEXTS, LABELS, ['d1'], 2, trainMajority)).toThrow('7 texts but 1 groups');
    const broken: Trainer = () => ({ predict: () => [] });
    expect(() => crossValidateByGroup(TEXTS, LABELS, GROUPS, 2, broken)).toThrow('fold 0: predictor returned 0 labels');
  });
});
