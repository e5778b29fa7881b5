import { describe, expect, it } from 'vitest';
import { cohenKappa } from '../../eval/metrics/kappa.ts';
import { krippendorffAlphaNominal } from '../../eval/metrics/krippendorff.ts';
import { MetricInputError } from '../../eval/metrics/validate.ts';

const L = ['s', 'm', 'neutral', 'irrelevant'];

describe('cohenKappa', () => {
  it('matches a hand computation', () => {
    // gold:      s s s m m neutral irrelevant irrelevant
    // predicted: s s m m s neutral neutral    irrelevant
    // p_o = 5/8. Gold counts s 3, m 2, neutral 1, irrelevant 2; predicted s 3, m 2, neutral 2, irrelevant 1.
    // p_e = (3*3 + 2*2 + 1*2 + 2*1) / 64 = 17/64.
    // kappa = (40/64 - 17/64) / (47/64) = 23/47.
    const gold = ['s', 's', 's', 'm', 'm', 'neutral', 'irrelevant', 'irrelevant'];
    const pred = ['s', 's', 'm', 'm', 's', 'neutral', 'neutral', 'irrelevant'];
    expect(cohenKappa(gold, pred, L)).toBeCloseTo(23 / 47, 12);
  });

  it('is 1 on perfect agreement over several classes', () => {
    // p_o = 1, p_e = 4 * (1*1) / 16 = 1/4, kappa = (1 - 1/4) / (1 - 1/4) = 1.
    expect(cohenKappa(['s', 'm', 'neutral', 'irrelevant'], ['s', 'm', 'neutral', 'irrelevant'], L)).toBe(1);
  });

  it('is -1 for systematic swaps of two balanced classes', () => {
    // p_o = 0, p_e = (1*1 + 1*1) / 4 = 1/2, kappa = (0 - 1/2) / (1/2) = -1.
    expect(cohenKappa(['s', 'm'], ['m', 's'], L)).toBe(-1);
  });

  it('is 0 when gold is one class and agreement equals chance', () => {
    // gold s s s s, predicted s s m s: p_o = 3/4, p_e = (4*3) / 16 = 3/4, kappa = 0 / (1/4) = 0.
    expect(cohenKappa(['s', 's', 's', 's'], ['s', 's', 'm', 's'], L)).toBe(0);
  });

  it('is NaN when expected agreement is 1 (everything one class on both sides)', () => {
    // p_o = 1, p_e = 9/9 = 1: kappa = 0/0, undefined by our documented choice.
    expect(cohenKappa(['s', 's', 's'], ['s', 's', 's'], L)).toBeNaN();
  });

  it('is NaN for no items and rejects misaligned input', () => {
    expect(cohenKappa([], [], L)).toBeNaN();
    expect(() => cohenKappa(['s'], ['s', 'm'], L)).toThrow(MetricInputError);
  });
});

describe('krippendorffAlphaNominal', () => {
  it('reproduces the two-observer binary example of Krippendorff (2011): alpha = 0.095', () => {
    // Units (A, B): (0,1) (1,1) (0,1) (0,0) (0,0) (0,1) (0,0) (0,0) (1,0) (0,0).
    // 4 disagreeing units -> off-diagonal coincidences 8. Value totals: n_0 = 8 + 6 = 14, n_1 = 2 + 4 = 6, n = 20.
    // E = n^2 - (14^2 + 6^2) = 400 - 232 = 168. alpha = 1 - 19 * 8 / 168 = 16/168 = 0.0952.
    const a = ['0', '1', '0', '0', '0', '0', '0', '0', '1', '0'];
    const b = ['1', '1', '1', '0', '0', '1', '0', '0', '0', '0'];
    expect(krippendorffAlphaNominal(a, b)).toBeCloseTo(16 / 168, 12);
  });

  it('matches a small hand computation', () => {
    // Units: (a,a) (a,b) (b,b) (b,b). Coincidences: o_aa 2, o_ab = o_ba = 1, o_bb 4.
    // n_a = 3, n_b = 5, n = 8. E = 64 - (9 + 25) = 30. alpha = 1 - 7 * 2 / 30 = 16/30.
    expect(krippendorffAlphaNominal(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b'])).toBeCloseTo(16 / 30, 12);
  });

  it('drops units that miss a value from either coder', () => {
    // The extra units (b, null) and (undefined, a) cannot be paired: same result as above.
    expect(
      krippendorffAlphaNominal(['a', 'a', 'b', 'b', 'b', undefined], ['a', 'b', 'b', 'b', null, 'a']),
    ).toBeCloseTo(16 / 30, 12);
  });

  it('is 1 on perfect agreement with at least two values', () => {
    // D = 0, E = 36 - (16 + 4) = 16 > 0, alpha = 1 - 0 = 1.
    expect(krippendorffAlphaNominal(['a', 'b', 'a'], ['a', 'b', 'a'])).toBe(1);
  });

  it('is -0.5 for two units in complete disagreement', () => {
    // Units (a,b) (b,a): D = 4, n_a = n_b = 2, n = 4, E = 16 - 8 = 8, alpha = 1 - 3 * 4 / 8 = -0.5.
    expect(krippendorffAlphaNominal(['a', 'b'], ['b', 'a'])).toBe(-0.5);
  });

  it('is NaN when a single value is used throughout or no unit can be paired', () => {
    // One value only: E = n^2 - n^2 = 0, alpha = 0/0.
    expect(krippendorffAlphaNominal(['a', 'a'], ['a', 'a'])).toBeNaN();
    expect(krippendorffAlphaNominal(['a', null], [null, 'b'])).toBeNaN();
    expect(krippendorffAlphaNominal([], [])).toBeNaN();
  });

  it('rejects coders of different lengths', () => {
    expect(() => krippendorffAlphaNominal(['a'], [])).toThrow('coder A has 1 units but coder B has 0');
  });
});
