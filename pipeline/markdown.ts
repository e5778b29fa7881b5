/**
 * Markdown to plain text in linear time.
 *
 * The conversion used to be a chain of regular expressions. Several of them scanned to the end of
 * the text from every opener that had no closer ("<a" x 100,000 took 34 s), and the heading one
 * backtracked over trailing blanks (a 4 KB heading line took 95 s). The passes that could do that
 * are written out below with the same output; the rest stay regular expressions, each of which
 * reads a character a bounded number of times.
 */

/** Characters read by the hand-written scans: lets a test bound the work without timing it. */
export type ScanWork = { chars: number };

/** Markdown to plain text: markup removed, words kept (headings, emphasis, links, images, code fences). */
export function markdownToText(md: string, work: ScanWork = { chars: 0 }): string {
  let text = md.replace(/^```.*$/gm, '');
  text = stripComments(text, work);
  text = stripLinks(text, '![', work);
  text = stripLinks(text, '[', work);
  text = text.replace(/^([ \t]{0,3}#{1,6}[ \t]+)(.*)$/gm, (_line, _marker: string, rest: string) => headingText(rest));
  return stripTags(
    text
      .replace(/^[ \t]{0,3}>[ \t]?/gm, '')
      .replace(/^[ \t]*[-*_][-*_ \t]*$/gm, (line) => (isThematicBreak(line) ? '' : line))
      .replace(/^[ \t]*[-*+][ \t]+/gm, '• ')
      .replace(/(\*\*|__)(.+?)\1/g, '$2')
      .replace(/(?<![\w*])[*_]([^*_\n]+)[*_](?![\w*])/g, '$1')
      .replace(/`([^`]+)`/g, '$1'),
    work,
  );
}

/** indexOf that adds the characters it read to `work`. */
function find(text: string, needle: string, from: number, work: ScanWork): number {
  const at = text.indexOf(needle, from);
  work.chars += (at === -1 ? text.length : at + needle.length) - from;
  return at;
}

/**
 * Drops `<!-- ... -->` (the shortest one from each opener). Once an opener has no "-->" after it,
 * no later opener has one either, so the scan stops instead of trying each of them.
 */
function stripComments(text: string, work: ScanWork): string {
  const out: string[] = [];
  let pos = 0;
  for (;;) {
    const open = find(text, '<!--', pos, work);
    if (open === -1) break;
    const close = find(text, '-->', open + 4, work);
    if (close === -1) break;
    out.push(text.slice(pos, open));
    pos = close + 3;
  }
  out.push(text.slice(pos));
  return out.join('');
}

/**
 * Replaces `[words](target)` by its words, or `![words](target)` with `opener` "![": the words run
 * to the first "]" (and must not be empty for a link), "(" must follow it, the target runs to the
 * first ")". The next "]" and ")" are remembered, so openers that share them (a run of "[a" or
 * "[a](") do not read the rest of the text again each.
 */
function stripLinks(text: string, opener: '[' | '![', work: ScanWork): string {
  const minWords = opener === '[' ? 1 : 0;
  const out: string[] = [];
  let pos = 0;
  let from = 0;
  let bracket = -2; // the first "]" at or after the last position asked for; -1 when there is none
  let paren = -2;
  for (;;) {
    const open = find(text, opener, from, work);
    if (open === -1) break;
    const words = open + opener.length;
    if (bracket !== -1 && bracket < words) bracket = find(text, ']', words, work);
    if (bracket === -1) break;
    if (bracket - words < minWords || text[bracket + 1] !== '(') {
      from = open + 1;
      continue;
    }
    if (paren !== -1 && paren < bracket + 2) paren = find(text, ')', bracket + 2, work);
    if (paren === -1) break;
    out.push(text.slice(pos, open), text.slice(words, bracket));
    pos = paren + 1;
    from = pos;
  }
  out.push(text.slice(pos));
  return out.join('');
}

/**
 * A heading line's text after its "#" marker: without the closing run of blanks, "#" and blanks.
 * That run is found from the end of the line; a lazy (.*?) before it retried every split.
 */
function headingText(rest: string): string {
  let end = rest.length;
  while (end > 0 && (rest[end - 1] === ' ' || rest[end - 1] === '\t')) end--;
  while (end > 0 && rest[end - 1] === '#') end--;
  while (end > 0 && (rest[end - 1] === ' ' || rest[end - 1] === '\t')) end--;
  return rest.slice(0, end);
}

/**
 * "---", "* * *", "___": three or more of one of - * _ and blanks only. A line of a million "- "
 * overflowed the stack of the regular expression with a back-reference that this replaces.
 */
function isThematicBreak(line: string): boolean {
  const mark = line.trim()[0];
  let count = 0;
  for (const ch of line) {
    if (ch === mark) count++;
    else if (ch !== ' ' && ch !== '\t') return false;
  }
  return count >= 3;
}

/**
 * Drops HTML tags (`<x ...>`, `</x ...>`). A tag ends at the first ">", so the regular expression
 * runs only up to the last ">": past it, each "<a" would read to the end of the text and fail.
 */
function stripTags(text: string, work: ScanWork): string {
  const last = text.lastIndexOf('>');
  work.chars += text.length - last;
  if (last === -1) return text;
  return text.slice(0, last + 1).replace(/<\/?[a-z][^>]*>/gi, '') + text.slice(last + 1);
}
