// Postgres text cannot hold U+0000, and other C0 controls in a name or a filter are always a paste
// accident. Tab, line feed and carriage return are text (a pasted passage has them).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** "holds a control character (U+0000 at position 3); remove it", or undefined when s holds none. */
export function controlCharacterProblem(s: string): string | undefined {
  const at = s.search(CONTROL);
  if (at < 0) return undefined;
  return `holds a control character (U+${s.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at position ${at + 1}); remove it`;
}
