/** Column alignment: text left, numbers right. */
export type Align = 'left' | 'right';

/**
 * Lays out rows as fixed-width columns (each as wide as its widest cell) separated by two
 * spaces, header first; trailing spaces are trimmed so output diffs cleanly.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  return all
    .map((row) =>
      widths
        .map((w, c) => {
          const cell = row[c] ?? '';
          return align[c] === 'right' ? cell.padStart(w) : cell.padEnd(w);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
