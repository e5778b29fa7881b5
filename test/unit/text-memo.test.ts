import { describe, expect, it } from 'vitest';
import { TextMemo } from '../../app/scorers/text-memo.ts';

describe('TextMemo', () => {
  it('computes only the texts it does not remember, once each, and returns every result in order', () => {
    const memo = new TextMemo<string>(10);
    const asked: string[][] = [];
    const upper = (texts: string[]) => (asked.push(texts), texts.map((t) => t.toUpperCase()));
    expect(memo.through(['a', 'b', 'a'], upper)).toEqual(['A', 'B', 'A']);
    expect(memo.through(['c', 'b', 'a'], upper)).toEqual(['C', 'B', 'A']);
    expect(memo.through(['b', 'a'], upper)).toEqual(['B', 'A']);
    expect(asked).toEqual([['a', 'b'], ['c']]);
  });

  it('forgets the least recently computed texts beyond its capacity, and still answers a call larger than it', () => {
    const memo = new TextMemo<number>(2);
    let calls = 0;
    const length = (texts: string[]) => (calls++, texts.map((t) => t.length));
    expect(memo.through(['x', 'yy', 'zzz'], length)).toEqual([1, 2, 3]);
    expect(calls).toBe(1);
    // 'yy' and 'zzz' are remembered, 'x' was forgotten.
    expect(memo.through(['yy', 'zzz'], length)).toEqual([2, 3]);
    expect(calls).toBe(1);
    expect(memo.through(['x'], length)).toEqual([1]);
    expect(calls).toBe(2);
  });
});
