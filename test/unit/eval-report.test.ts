import { describe, expect, it } from 'vitest';
import { buildAxisReport, buildReport, predictionConfidences } from '../../eval/report.ts';
import { formatReportText } from '../../eval/report-text.ts';

const AXIS = { slug: 'sovereignty_multistakeholder', poles: ['sovereignty', 'multistakeholder'] } as const;
const S = 'sovereignty';
const M = 'multistakeholder';

// gold:      S S S M M neutral irrelevant irrelevant
// predicted: S S M M S neutral neutral    irrelevant
const GOLD = [S, S, S, M, M, 'neutral', 'irrelevant', 'irrelevant'];
const PRED = [S, S, M, M, S, 'neutral', 'neutral', 'irrelevant'];

describe('buildAxisReport', () => {
  it('assembles the metrics of the model and of each baseline', () => {
    const report = buildAxisReport(AXIS, {
      gold: GOLD,
      predicted: PRED,
      // Confidence 1 on every item: 5 of 8 right -> one bin, |5/8 - 1| = 3/8.
      probabilities: PRED.map((p) => ({ [p]: 1 })),
      baselines: { majority: GOLD.map(() => S) },
    });
    expect(report.n).toBe(8);
    expect(report.accuracy).toBe(5 / 8);
    expect(report.macro_f1).toBeCloseTo(0.625, 12); // (2/3 + 1/2 + 2/3 + 2/3) / 4
    expect(report.kappa).toBeCloseTo(23 / 47, 12); // p_o 5/8, p_e 17/64
    expect(report.ece).toBe(3 / 8);
    expect(report.confusion.labels).toEqual([S, M, 'neutral', 'irrelevant']);
    expect(report.confusion.matrix[3]).toEqual([0, 0, 1, 1]);
    expect(Object.keys(report.per_class)).toEqual([S, M, 'neutral', 'irrelevant']);
    expect(report.per_class[M]).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    // Majority: 3 of 8 right; F1 of S = 2 * (3/8 * 1) / (3/8 + 1) = 6/11, others 0, over 4 present classes.
    // kappa: p_o 3/8, p_e = 3*8/64 = 3/8 -> 0.
    expect(report.baselines.majority?.accuracy).toBe(3 / 8);
    expect(report.baselines.majority?.macro_f1).toBeCloseTo(6 / 11 / 4, 12);
    expect(report.baselines.majority?.kappa).toBe(0);
  });

  it('uses null for undefined metrics so the report survives JSON', () => {
    const report = buildAxisReport(AXIS, { gold: [S, S], predicted: [S, S] });
    expect(report.kappa).toBeNull();
    expect(report.ece).toBeNull();
    expect(report.baselines).toEqual({});
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    const empty = buildAxisReport(AXIS, { gold: [], predicted: [] });
    expect([empty.n, empty.accuracy, empty.macro_f1, empty.kappa]).toEqual([0, null, null, null]);
  });

  it('names the axis and the baseline in errors', () => {
    expect(() => buildAxisReport(AXIS, { gold: [S], predicted: ['rights'] })).toThrow(
      'axis sovereignty_multistakeholder: predicted[0] is "rights"',
    );
    expect(() => buildAxisReport(AXIS, { gold: [S], predicted: [S], baselines: { lexicon: [] } })).toThrow(
      'axis sovereignty_multistakeholder: baseline lexicon: gold has 1 labels but predicted has 0',
    );
  });
});

describe('predictionConfidences', () => {
  it('takes the probability of the predicted label and insists it is there', () => {
    expect(predictionConfidences([S, M], [{ [S]: 0.7, [M]: 0.3 }, { [S]: 0.4, [M]: 0.6 }])).toEqual([0.7, 0.6]);
    expect(() => predictionConfidences(['neutral'], [{ [S]: 1 }])).toThrow('item 0: no probability for its predicted label "neutral"');
  });
});

describe('buildReport', () => {
  const other = { slug: 'security_rights', poles: ['security', 'rights'] } as const;

  it('reports every axis, in the order given', () => {
    const report = buildReport([other, AXIS], {
      [AXIS.slug]: { gold: [S], predicted: [S] },
      [other.slug]: { gold: ['rights'], predicted: ['security'] },
    });
    expect(Object.keys(report)).toEqual(['security_rights', 'sovereignty_multistakeholder']);
    expect(report.security_rights?.accuracy).toBe(0);
  });

  it('requires an input per axis and an axis per input', () => {
    expect(() => buildReport([AXIS, other], { [AXIS.slug]: { gold: [], predicted: [] } })).toThrow(
      'no input for axis security_rights',
    );
    expect(() => buildReport([AXIS], { [AXIS.slug]: { gold: [], predicted: [] }, openness: { gold: [], predicted: [] } })).toThrow(
      'inputs for unknown axis(es): openness',
    );
  });
});

describe('formatReportText', () => {
  it('renders fixed-width tables a newcomer can read', () => {
    const report = buildReport([AXIS], {
      [AXIS.slug]: { gold: GOLD, predicted: PRED, baselines: { majority: GOLD.map(() => S) } },
    });
    expect(formatReportText(report)).toBe(
      [
        '== Axis sovereignty_multistakeholder (n = 8) ==',
        '',
        '                    accuracy  macro-F1  kappa  ECE',
        'model                  0.625     0.625  0.489  n/a',
        'baseline: majority     0.375     0.136  0.000    -',
        '',
        'Per class (model):',
        'class             precision  recall     F1  support',
        'sovereignty           0.667   0.667  0.667        3',
        'multistakeholder      0.500   0.500  0.500        2',
        'neutral               0.500   1.000  0.667        1',
        'irrelevant            1.000   0.500  0.667        2',
        '',
        'Confusion matrix (model; rows = gold label, columns = predicted label):',
        'gold \\ predicted  sovereignty  multistakeholder  neutral  irrelevant',
        'sovereignty                 2                 1        0           0',
        'multistakeholder            1                 1        0           0',
        'neutral                     0                 0        1           0',
        'irrelevant                  0                 0        1           1',
        '',
        'Scores are in [0, 1] (kappa in [-1, 1]); higher is better, except ECE (calibration error), where lower is better.',
        'n/a: undefined for these data (no items; kappa when gold and predictions are all one class; ECE without model probabilities).',
        '-: not computed (baselines give no probabilities).',
        '',
      ].join('\n'),
    );
  });
});
