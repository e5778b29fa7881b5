/**
 * Tables of an HTML page as text, in time linear in the table's cells and text.
 *
 * html-to-text's dataTable printer transposes a square layout as wide as the table is wide or long
 * (one row of 80,000 cells took 32 s; 10,000 one-cell rows 1.7 s), fills one slot per spanned cell
 * (a 60-byte `<td colspan="100000">` took 105 s) and pads every line of a cell to its column
 * (output grows with lines times width). Stored text is normalized to single spaces anyway, so this
 * printer joins the pieces of a line with one space instead of aligning columns; the lines, and the
 * order of pieces on a line, are the ones its grid gives.
 */
import type { DomNode, FormatCallback } from 'html-to-text';

/** A cell as html-to-text's builder hands it to a table printer. */
export type TableCell = { colspan: number; rowspan: number; text: string };

// The HTML standard's own limits on spans.
const MAX_COLSPAN = 1000;
const MAX_ROWSPAN = 65534;
// Spanned slots a table may lay out, on top of SLOTS_PER_CELL per cell; past it spans count as 1.
const SLOT_BUDGET = 1_000_000;
const SLOTS_PER_CELL = 8;

/** html-to-text formatter for <table>: the dataTable formatter's walk, with this file's printer. */
export const formatTable: FormatCallback = (elem, walk, builder, formatOptions) => {
  const cell = (node: DomNode) => {
    builder.openTableCell({ maxColumnWidth: formatOptions.maxColumnWidth });
    walk(node.children, builder);
    builder.closeTableCell({ colspan: span(node, 'colspan', MAX_COLSPAN), rowspan: span(node, 'rowspan', MAX_ROWSPAN) });
  };
  const walkTable = (node: DomNode): void => {
    if (node.type !== 'tag') return;
    if (['thead', 'tbody', 'tfoot', 'center'].includes(node.name ?? '')) node.children.forEach(walkTable);
    if (node.name !== 'tr') return;
    builder.openTableRow();
    for (const child of node.children) if (child.type === 'tag' && (child.name === 'td' || child.name === 'th')) cell(child);
    builder.closeTableRow();
  };
  builder.openTable();
  elem.children.forEach(walkTable);
  builder.closeTable({ tableToString: tableToText, leadingLineBreaks: formatOptions.leadingLineBreaks, trailingLineBreaks: formatOptions.trailingLineBreaks });
};

/** A span attribute as html-to-text reads it (`+value || 1`), kept within 1..max. */
function span(node: DomNode, name: string, max: number): number {
  const value = Math.trunc(Number((node.attribs as Record<string, string> | undefined)?.[name])) || 1;
  return Math.min(Math.max(value, 1), max);
}

/**
 * Rows of cells to text. A cell goes to the first free column of its row (slots taken by spans from
 * rows above are skipped) and its lines start at its row's first line; a row starts below the
 * tallest cell that ends above it, as in html-to-text.
 */
export function tableToText(rows: TableCell[][]): string {
  const cellCount = rows.reduce((n, row) => n + row.length, 0);
  const area = rows.reduce((n, row) => n + row.reduce((m, c) => m + c.colspan * c.rowspan, 0), 0);
  const spans = area <= SLOT_BUDGET + SLOTS_PER_CELL * cellCount;
  const taken: (boolean[] | undefined)[] = [];
  const rowLine = [0];
  // The first line of row i, extended one line per row as html-to-text does for rows not yet placed.
  const lineOf = (i: number) => {
    while (rowLine.length <= i) rowLine.push((rowLine[rowLine.length - 1] ?? 0) + 1);
    return rowLine[i] ?? 0;
  };
  const pieces: { column: number; text: string }[][] = [];
  rows.forEach((cells, j) => {
    const row = (taken[j] ??= []);
    let x = 0;
    for (const cell of cells) {
      const colspan = spans ? cell.colspan : 1;
      const rowspan = spans ? cell.rowspan : 1;
      while (row[x]) x++;
      for (let r = 0; r < rowspan && rowspan > 1; r++) {
        const below = (taken[j + r] ??= []);
        for (let c = 0; c < colspan; c++) below[x + c] = true;
      }
      const lines = cell.text.split('\n');
      const first = lineOf(j);
      lines.forEach((text, k) => (pieces[first + k] ??= []).push({ column: x, text }));
      rowLine[j + rowspan] = Math.max(lineOf(j + rowspan), first + lines.length);
      x += colspan;
    }
  });
  if (rows.length > 0) pieces[lineOf(rows.length - 1)] ??= [];
  return Array.from(pieces, (line) => (line ?? []).sort((a, b) => a.column - b.column).map((p) => p.text).join(' ')).join('\n');
}
