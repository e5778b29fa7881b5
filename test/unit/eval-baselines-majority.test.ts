import { describe, expect, it } from 'vitest';
import { majorityBaseline, mostFrequentLabel, trainMajority } from '../../eval/baselines/majority.ts';

describe('majority baseline', () => {
  it('picks the most frequent label', () => {
    // a 1, b 2, c 1 -> b.
    expect(mostFrequentLabel(['a', 'b', 'b', 'c'])).toBe('b');
  });

  it('breaks ties by code-unit order, whatever the input order', () => {
    expect(mostFrequentLabel(['rights', 'security', 'security', 'rights'])).toBe('rights');
    expect(mostFrequentLabel(['security', 'rights'])).toBe('rights');
    // Code units, not locale: upper case sorts before lower case.
    expect(mostFrequentLabel(['b', 'B'])).toBe('B');
  });

  it('predicts the training majority for every text', () => {
    const predictor = trainMajority(['t1', 't2', 't3'], ['neutral', 'irrelevant', 'irrelevant']);
    expect(predictor.predict(['x', 'y'])).toEqual(['irrelevant', 'irrelevant']);
    expect(predictor.predict([])).toEqual([]);
    expect(majorityBaseline.name).toBe('majority');
  });

  it('refuses empty or misaligned training data', () => {
    expect(() => trainMajority([], [])).toThrow('training data is empty');
    expect(() => trainMajority(['t'], [])).toThrow('1 texts but 0 labels');
  });
});
