import { describe, expect, it } from 'vitest';
import {
  documentResamples,
  expectedCalibrationError,
  macroF1,
  metricsFromConfusion,
  MetricInputError,
  pairedMacroF1Differences,
  percentileInterval,
  resampledItems,
  confusionMatrix,
} from '../../eval/metrics/index.ts';

// Edges of the metrics: input checks with the message a user sees, and the branches the larger
// tests never reach, each with a value worked by hand.

describe('document resamples', () => {
  it('draws exactly the replicates asked for, one is enough, and none of no documents', () => {
    expect(documentResamples(['d1', 'd1', 'd2'], 1, 3).counts).toHaveLength(1);
    expect(documentResamples(['d1', 'd2'], 7, 3).counts).toHaveLength(7);
    expect(documentResamples([], 5, 1)).toEqual({ itemDoc: new Int32Array(0), nDocs: 0, counts: [] });
  });

  it('refuses a replicate count that is not a whole number >= 1, and a replicate that does not exist', () => {
    for (const bad of [0, -2, 1.5]) {
      expect(() => documentResamples(['d1'], bad, 1)).toThrow(new MetricInputError(`replicates must be a whole number >= 1, got ${bad}`));
    }
    expect(() => resampledItems(documentResamples(['d1'], 2, 1), 2)).toThrow('no replicate 2');
  });
});

describe('percentile interval of replicates', () => {
  it('refuses a level outside (0, 1)', () => {
    for (const level of [0, 1, -0.5, 1.5, Number.NaN]) expect(() => percentileInterval([1, 2, 3], level)).toThrow(`level must be in (0, 1), got ${level}`);
    expect(percentileInterval([1, 2, 3], 0.5)).toEqual([1.5, 2.5]);
  });

  it('needs at least half of the replicates defined, and one value is its own interval', () => {
    // One of two defined: exactly half is enough; one of three is not.
    expect(percentileInterval([0.4, Number.NaN], 0.9)).toEqual([0.4, 0.4]);
    expect(percentileInterval([0.4, Number.NaN, Number.NaN], 0.9)).toBeNull();
    expect(percentileInterval([0.3], 0.9)).toEqual([0.3, 0.3]);
    expect(percentileInterval([], 0.9)).toBeNull();
  });
});

describe('metrics from a confusion matrix', () => {
  it('gives F1 0 (not NaN) to a class absent from gold and predictions, and leaves it out of macro-F1', () => {
    // Labels x, y, z; z never occurs. Rows gold, columns predicted: x -> x twice, x -> y once, y -> y once.
    const m = metricsFromConfusion([2, 1, 0, 0, 1, 0, 0, 0, 0], 3);
    // F1(x) = 2 * 2 / (3 + 2) = 0.8; F1(y) = 2 * 1 / (1 + 2) = 2/3.
    expect(m.f1).toEqual([0.8, 2 / 3, 0]);
    expect(m.macro_f1).toBeCloseTo((0.8 + 2 / 3) / 2, 12);
    expect(m.accuracy).toBe(3 / 4);
  });
});

describe('calibration error', () => {
  it('accepts a single bin: ECE is then |accuracy - mean confidence|', () => {
    // Mean confidence (0.2 + 0.9) / 2 = 0.55, accuracy 1/2: ECE 0.05.
    expect(expectedCalibrationError([0.2, 0.9], [true, false], 1)).toBeCloseTo(0.05, 12);
  });

  it('names the bad input', () => {
    expect(() => expectedCalibrationError([0.5, 0.6], [true], 10)).toThrow('2 confidences but 1 correctness flags');
    expect(() => expectedCalibrationError([0.5], [true], 0)).toThrow('bins must be a whole number >= 1, got 0');
    expect(() => expectedCalibrationError([1.5], [true], 10)).toThrow('confidence[0] is 1.5, not in [0, 1]');
    expect(() => expectedCalibrationError([-0.1], [true], 10)).toThrow('confidence[0] is -0.1, not in [0, 1]');
    expect(() => expectedCalibrationError([Number.NaN], [true], 10)).toThrow(MetricInputError);
  });
});

describe('label checks', () => {
  it('raise a MetricInputError with a message naming the mismatch', () => {
    let caught: unknown;
    try {
      confusionMatrix(['a'], ['a', 'b'], ['a', 'b']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MetricInputError);
    expect((caught as Error).name).toBe('MetricInputError');
    expect((caught as Error).message).toBe('gold has 1 labels but predicted has 2');
    expect(() => confusionMatrix(['a'], ['a'], ['a', 'b', 'a'])).toThrow('label list has duplicates: a, b, a');
  });
});

describe('paired macro-F1 differences', () => {
  it('pairs every system with every later one, on the same resamples', () => {
    const gold = ['x', 'y', 'x', 'y', 'x', 'y'];
    const docs = ['d1', 'd1', 'd2', 'd2', 'd3', 'd3'];
    const systems = [
      ['s1', ['x', 'y', 'x', 'y', 'x', 'y']],
      ['s2', ['x', 'x', 'x', 'x', 'x', 'x']],
      ['s3', ['y', 'y', 'x', 'x', 'x', 'y']],
    ] as const;
    const labels = ['x', 'y'];
    const resamples = documentResamples(docs, 200, 9);
    const pairs = pairedMacroF1Differences(gold, systems, labels, resamples, 0.9);
    expect(pairs.map((p) => [p.a, p.b])).toEqual([['s1', 's2'], ['s1', 's3'], ['s2', 's3']]);
    // Brute force: each replicate's items, macro-F1 of each system on them, the difference, its percentiles.
    const byHand = (i: number, j: number) => {
      const diffs = resamples.counts.map((_, r) => {
        const items = resampledItems(resamples, r);
        const f1 = (k: number) => macroF1(items.map((t) => gold[t]!), items.map((t) => systems[k]![1][t]!), labels);
        return f1(i) - f1(j);
      });
      return percentileInterval(diffs, 0.9);
    };
    pairs.forEach((p, n) => {
      const [i, j] = ([[0, 1], [0, 2], [1, 2]] as const)[n]!;
      expect(p.diff).toBeCloseTo(macroF1(gold, systems[i][1], labels) - macroF1(gold, systems[j][1], labels), 12);
      expect(p.ci![0]).toBeCloseTo(byHand(i, j)![0], 12);
      expect(p.ci![1]).toBeCloseTo(byHand(i, j)![1], 12);
    });
  });
});
