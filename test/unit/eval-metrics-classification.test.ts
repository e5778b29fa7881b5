import { describe, expect, it } from 'vitest';
import { accuracy } from '../../eval/metrics/accuracy.ts';
import { confusionMatrix } from '../../eval/metrics/confusion.ts';
import { macroF1, perClassScores } from '../../eval/metrics/per-class.ts';
import { MetricInputError } from '../../eval/metrics/validate.ts';

// Labels of an axis with poles "s" and "m".
const L = ['s', 'm', 'neutral', 'irrelevant'];

// Worked example used by several tests:
//   gold:      s  s  s  m  m  neutral  irrelevant  irrelevant
//   predicted: s  s  m  m  s  neutral  neutral     irrelevant
const GOLD = ['s', 's', 's', 'm', 'm', 'neutral', 'irrelevant', 'irrelevant'];
const PRED = ['s', 's', 'm', 'm', 's', 'neutral', 'neutral', 'irrelevant'];

describe('accuracy', () => {
  it('counts exact matches: 5 of 8 correct = 0.625', () => {
    expect(accuracy(GOLD, PRED, L)).toBe(5 / 8);
  });

  it('is 1 on perfect agreement and 0 when all wrong', () => {
    expect(accuracy(['s', 'm'], ['s', 'm'], L)).toBe(1);
    expect(accuracy(['s', 'm'], ['m', 's'], L)).toBe(0);
  });

  it('is NaN for no items', () => {
    expect(accuracy([], [], L)).toBeNaN();
  });

  it('rejects misaligned arrays, labels outside the list and duplicate labels', () => {
    expect(() => accuracy(['s'], [], L)).toThrow(MetricInputError);
    expect(() => accuracy(['s'], ['x'], L)).toThrow('predicted[0] is "x", not one of: s, m, neutral, irrelevant');
    expect(() => accuracy(['s'], ['s'], ['s', 's'])).toThrow('duplicates');
  });
});

describe('confusionMatrix', () => {
  it('puts gold in rows and predictions in columns, in label order', () => {
    // Row s: 2 -> s, 1 -> m. Row m: 1 -> s, 1 -> m. Row neutral: 1 -> neutral.
    // Row irrelevant: 1 -> neutral, 1 -> irrelevant.
    expect(confusionMatrix(GOLD, PRED, L)).toEqual({
      labels: L,
      matrix: [
        [2, 1, 0, 0],
        [1, 1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 1, 1],
      ],
    });
  });

  it('follows the given label order and keeps all-zero rows for absent labels', () => {
    expect(confusionMatrix(['m'], ['s'], ['irrelevant', 's', 'm']).matrix).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 1, 0],
    ]);
  });
});

describe('perClassScores', () => {
  it('computes precision, recall, F1 and support per class', () => {
    // s:          tp 2, predicted 3, support 3 -> P 2/3, R 2/3, F1 2/3
    // m:          tp 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2
    // neutral:    tp 1, predicted 2, support 1 -> P 1/2, R 1,   F1 2*(1/2*1)/(3/2) = 2/3
    // irrelevant: tp 1, predicted 1, support 2 -> P 1,   R 1/2, F1 2/3
    const scores = perClassScores(GOLD, PRED, L);
    expect(scores.s?.precision).toBeCloseTo(2 / 3, 12);
    expect(scores.s?.recall).toBeCloseTo(2 / 3, 12);
    expect(scores.s?.f1).toBeCloseTo(2 / 3, 12);
    expect(scores.s?.support).toBe(3);
    expect(scores.m).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(scores.neutral?.f1).toBeCloseTo(2 / 3, 12);
    expect(scores.neutral?.recall).toBe(1);
    expect(scores.irrelevant?.precision).toBe(1);
    expect(scores.irrelevant?.recall).toBe(0.5);
    expect(scores.irrelevant?.support).toBe(2);
  });

  it('defines 0/0 as 0 for a class absent from gold and predictions', () => {
    const scores = perClassScores(['s', 'm'], ['s', 'm'], L);
    expect(scores.neutral).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('gives 0 recall and F1 to a gold class never predicted, 0 precision to a class predicted but not in gold', () => {
    // gold s s, predicted s m. s: tp 1, predicted 1, support 2 -> P 1, R 1/2.
    // m: tp 0, predicted 1, support 0 -> P 0/1 = 0, R 0/0 = 0, F1 0/0 = 0.
    const scores = perClassScores(['s', 's'], ['s', 'm'], L);
    expect(scores.s).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
    expect(scores.m).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('scores every class 0 when all predictions are wrong', () => {
    const scores = perClassScores(['s', 'm'], ['m', 's'], L);
    expect(scores.s).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(scores.m).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });
});

describe('macroF1', () => {
  it('averages F1 over classes present: (2/3 + 1/2 + 2/3 + 2/3) / 4 = 0.625', () => {
    expect(macroF1(GOLD, PRED, L)).toBeCloseTo(0.625, 12);
  });

  it('leaves out classes absent from both gold and predictions', () => {
    // gold s m s, predicted s m m. s: P 1, R 1/2, F1 2/3. m: P 1/2, R 1, F1 2/3.
    // neutral and irrelevant occur nowhere: mean over {s, m} = 2/3, not (2/3 + 2/3) / 4 = 1/3.
    expect(macroF1(['s', 'm', 's'], ['s', 'm', 'm'], L)).toBeCloseTo(2 / 3, 12);
  });

  it('keeps a class that is only predicted: (2/3 + 0) / 2 = 1/3', () => {
    expect(macroF1(['s', 's'], ['s', 'm'], L)).toBeCloseTo(1 / 3, 12);
  });

  it('is 1 on perfect agreement, also with a single class', () => {
    expect(macroF1(['s', 'm', 'neutral', 'irrelevant'], ['s', 'm', 'neutral', 'irrelevant'], L)).toBe(1);
    expect(macroF1(['s', 's', 's'], ['s', 's', 's'], L)).toBe(1);
  });

  it('is 0 when all wrong and NaN for no items', () => {
    expect(macroF1(['s', 'm'], ['m', 's'], L)).toBe(0);
    expect(macroF1([], [], L)).toBeNaN();
  });
});
