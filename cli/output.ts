import { redactSecrets } from '../pipeline/redact.ts';

/** Prints a value as pretty JSON on stdout (for --json). */
export function printJson(value: unknown): void {
  // Every JSON answer passes the one redaction, whatever field a connection string hides in.
  process.stdout.write(`${redactSecrets(JSON.stringify(value, null, 2))}\n`);
}

/** Formats rows as a fixed-width text table with a header line. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (typeof rows[0]?.[c] === 'number' ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/** Writes a message for people on stderr, so stdout stays clean data; connection-string passwords are hidden. */
export function say(message: string): void {
  process.stderr.write(`${redactSecrets(message)}\n`);
}
