import { describe, expect, it } from 'vitest';
import { csvField, csvLine, parseCsv } from '../../pipeline/csv.ts';

describe('CSV', () => {
  it('quotes fields with commas, quotes and line breaks, and leaves plain ones alone', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.5)).toBe('0.5');
  });

  it('round-trips awkward rows through parseCsv', () => {
    const rows = [
      ['id', 'text', 'score'],
      ['1', 'He said: "Sovereignty, first."\nThen left.', '-0.5'],
      ['2', '', '1'],
    ];
    const text = rows.map(csvLine).join('');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual(rows);
  });
});
