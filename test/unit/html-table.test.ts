import { convert } from 'html-to-text';
import { describe, expect, it } from 'vitest';
import { toPlainText } from '../../pipeline/formats.ts';
import { normalizeText } from '../../pipeline/normalize.ts';

/** html-to-text's own dataTable printer, as the project configured it before. */
const library = (html: string) =>
  convert(html, { wordwrap: false, selectors: [{ selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } }] });

describe('HTML tables', () => {
  it.each([
    ['header and body', '<table><tr><th>Name</th><th>Value</th></tr><tr><td>a</td><td>1</td></tr></table>'],
    ['a tall cell spanning rows', '<p>x</p><table><tr><td rowspan="2">tall<br>cell<br>three</td><td>b</td></tr><tr><td>c</td></tr><tr><td>d</td><td>e</td></tr></table><p>y</p>'],
    ['a header spanning columns', '<table><thead><tr><th colspan="2">Head</th></tr></thead><tbody><tr><td>a</td><td>b<br>b2</td></tr><tr><td></td><td>z</td></tr></tbody></table>'],
    ['ragged and empty rows', '<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>d</td></tr><tr></tr><tr><td colspan="3">wide one</td></tr></table>'],
    ['a column taken by a rowspan', '<table><tr><td rowspan="3">r</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr><tr><td>4</td><td>5</td></tr></table>'],
    ['paragraphs in a cell', '<table><tr><td><p>para one</p><p>para two</p></td><td>side</td></tr></table>'],
  ])('store the text the aligned printer gave, once normalized: %s', (_name, html) => {
    expect(normalizeText(toPlainText(html, 'html'))).toBe(normalizeText(library(html)));
  });

  it('print a row of 10,000 cells as one line of them, without alignment padding', () => {
    // The aligned printer transposed a 10,000 x 10,000 layout for this and padded each cell to its column.
    const html = `<table><tr>${'<td>cell</td>'.repeat(10_000)}</tr></table>`;
    expect(toPlainText(html, 'html')).toBe(Array(10_000).fill('cell').join(' '));
  });

  it.each([
    ['rowspan 100,000', '<table><tr><td rowspan="100000">x</td><td>y</td></tr></table>', 'x y'],
    ['colspan 1,000,000,000', '<table><tr><td colspan="1000000000">x</td><td>y</td></tr></table>', 'x y'],
    ['negative and zero spans', '<table><tr><td colspan="-2">x</td><td rowspan="0">y</td><td>z</td></tr></table>', 'x y z'],
  ])('lay out a cell with %s within the standard limits', (_name, html, text) => {
    // The aligned printer recursed once per spanned row (stack overflow) and filled one slot per spanned cell.
    expect(toPlainText(html, 'html')).toBe(text);
  });

  it('keeps every cell when the spans of a table would lay out too many slots', () => {
    const html = `<table><tr>${'<td rowspan="65534" colspan="1000">c</td>'.repeat(200)}</tr><tr><td>last</td></tr></table>`;
    expect(normalizeText(toPlainText(html, 'html'))).toBe(`${Array(200).fill('c').join(' ')}\nlast`);
  });
});
