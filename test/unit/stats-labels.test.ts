import { describe, expect, it } from 'vitest';
import { StatsInputError } from '../../pipeline/stats/input.ts';
import { labelDistribution } from '../../pipeline/stats/labels.ts';

describe('labelDistribution', () => {
  const order = ['sovereignty', 'multistakeholder', 'neutral', 'irrelevant'];

  it('counts labels in the given order, keeping zero counts', () => {
    const labels = ['neutral', 'sovereignty', 'sovereignty', 'irrelevant', 'sovereignty'];
    expect(labelDistribution(labels, order)).toEqual([
      { label: 'sovereignty', count: 3, share: 3 / 5 },
      { label: 'multistakeholder', count: 0, share: 0 },
      { label: 'neutral', count: 1, share: 1 / 5 },
      { label: 'irrelevant', count: 1, share: 1 / 5 },
    ]);
  });

  it('gives zero counts and shares for an empty group', () => {
    expect(labelDistribution([], order).map((c) => [c.count, c.share])).toEqual([[0, 0], [0, 0], [0, 0], [0, 0]]);
  });

  it('rejects labels outside the order and duplicate order entries', () => {
    expect(() => labelDistribution(['sovereignity'], order)).toThrow('label[0] is "sovereignity"');
    expect(() => labelDistribution([], ['a', 'a'])).toThrow(StatsInputError);
  });
});
