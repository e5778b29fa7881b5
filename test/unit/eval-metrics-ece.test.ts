import { describe, expect, it } from 'vitest';
import { calibrationBins, expectedCalibrationError } from '../../eval/metrics/ece.ts';
import { MetricInputError } from '../../eval/metrics/validate.ts';

describe('expectedCalibrationError', () => {
  it('matches a hand computation with 2 bins', () => {
    // Bin (0, 0.5]: 0.3 wrong, 0.5 right -> mean confidence 0.4, accuracy 0.5, gap 0.1.
    // Bin (0.5, 1]: 0.9 right, 0.8 wrong, 0.6 right -> mean confidence 2.3/3, accuracy 2/3, gap 0.1.
    // ECE = 2/5 * 0.1 + 3/5 * 0.1 = 0.1.
    const ece = expectedCalibrationError([0.9, 0.8, 0.6, 0.3, 0.5], [true, false, true, false, true], 2);
    expect(ece).toBeCloseTo(0.1, 12);
  });

  it('matches a hand computation with the default 10 bins', () => {
    // Bin (0.9, 1]: 0.95 right, 0.95 wrong -> gap |0.5 - 0.95| = 0.45.
    // Bin (0.1, 0.2]: 0.15 wrong -> gap 0.15.  ECE = 2/3 * 0.45 + 1/3 * 0.15 = 0.35.
    expect(expectedCalibrationError([0.95, 0.95, 0.15], [true, false, false])).toBeCloseTo(0.35, 12);
  });

  it('is 0 when perfectly calibrated and 1 when confidently all wrong', () => {
    expect(expectedCalibrationError([1, 1], [true, true])).toBe(0);
    expect(expectedCalibrationError([1, 1], [false, false])).toBe(1);
  });

  it('is NaN for no items', () => {
    expect(expectedCalibrationError([], [])).toBeNaN();
  });

  it('rejects bad input', () => {
    expect(() => expectedCalibrationError([1.2], [true])).toThrow('confidence[0] is 1.2, not in [0, 1]');
    expect(() => expectedCalibrationError([Number.NaN], [true])).toThrow(MetricInputError);
    expect(() => expectedCalibrationError([0.5], [])).toThrow(MetricInputError);
    expect(() => expectedCalibrationError([0.5], [true], 0)).toThrow('bins must be a whole number >= 1');
  });
});

describe('calibrationBins', () => {
  it('uses bins open below and closed above, with 0 in the first bin', () => {
    // 0 and 0.5 -> bin (0, 0.5]; 0.50001 and 1 -> bin (0.5, 1].
    const bins = calibrationBins([0, 0.5, 0.50001, 1], [false, true, true, true], 2);
    expect(bins.map((b) => [b.lower, b.upper, b.count])).toEqual([
      [0, 0.5, 2],
      [0.5, 1, 2],
    ]);
    expect(bins[0]?.accuracy).toBe(0.5);
    expect(bins[0]?.meanConfidence).toBe(0.25);
  });

  it('places an edge value like 0.2 in the bin it closes, (0.1, 0.2]', () => {
    const bins = calibrationBins([0.2], [true]);
    expect(bins.findIndex((b) => b.count === 1)).toBe(1);
  });

  it('reports empty bins with NaN means', () => {
    const bins = calibrationBins([0.9], [true], 2);
    expect(bins[0]?.count).toBe(0);
    expect(bins[0]?.accuracy).toBeNaN();
    expect(bins[0]?.meanConfidence).toBeNaN();
  });
});
