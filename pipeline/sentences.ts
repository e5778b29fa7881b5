/**
 * Splits normalized text into the units that chunking packs: prose sentences, list items and short
 * headings, each a trimmed span of offsets into the input.
 *
 * Paragraphs ("\n\n") always end a unit. Inside a paragraph a line break ends a unit when the next
 * line is a list item, or when it does not continue in lower case and the line before ends in
 * punctuation or is short (a heading, a salutation); a long unpunctuated line followed by more
 * text is taken as hard-wrapped prose. Bullet and numbered items are kept whole (no sentence
 * splitting inside) so a list item is never cut unless it is over budget on its own.
 */

/** Kind of a unit: prose sentence, list item, or short heading line. */
export type SegmentKind = 'sentence' | 'item' | 'heading';

/** A trimmed span of the input; paragraphEnd marks the last segment of a paragraph. */
export type Segment = { start: number; end: number; kind: SegmentKind; paragraphEnd: boolean };

/** A half-open span of offsets into the input. */
export type Span = { start: number; end: number };

// A blank (or whitespace-only) line separates paragraphs.
const PARAGRAPH_BREAK = /\n[^\S\n]*\n\s*/g;
// Terminal punctuation, with closing quotes or brackets that belong to the sentence, before a space.
const SENTENCE_END = /[.!?…]+["'”’»)\]]*(?=\s)/gu;
const LINE_ENDS_CLAUSE = /[.!?…:;]["'”’»)\]]*$/u;
const HEADING_FORBIDDEN_END = /[.!?…:;,]["'”’»)\]]*$/u;
const BULLET = /^[•◦▪▫‣⁃●○■□·*\-–—](?=\s)/u;
const NUMBERED =
  /^(?:\d{1,3}(?:\.\d{1,3})*[.)]|\d{1,3}(?:\.\d{1,3})+|[a-zA-Z][.)]|[ivx]{1,5}[.)]|[IVX]{1,5}[.)]|\((?:\d{1,3}|[a-zA-Z]|[ivx]{1,5})\))(?=\s)/;
const LOWERCASE_START = /^\p{Ll}/u;
const INITIAL = /^\p{Lu}$/u;
const DOTTED_ACRONYM = /^(?:\p{L}\.)+\p{L}$/u;
const OPENERS = /^[("'“‘«[]+/u;

// Lines of up to this many words that stand alone are headings or salutations, not wrapped prose.
const SHORT_LINE_WORDS = 8;
const HEADING_MAX_WORDS = 12;
const HEADING_MAX_CHARS = 120;
// Abbreviations are short; looking further back for the word before a period is wasted work.
const MAX_ABBREVIATION_CHARS = 16;

// Abbreviations that never end a sentence (titles, Latin).
const ALWAYS_ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'sr', 'jr', 'st', 'rev', 'hon', 'gen', 'col', 'lt', 'sgt',
  'capt', 'cmdr', 'adm', 'gov', 'sen', 'rep', 'amb', 'pres', 'messrs', 'mme', 'mlle', 'fr',
  'e.g', 'i.e', 'cf', 'viz', 'vs', 'ca', 'approx', 'incl', 'esp', 'al', 'resp', 'ibid',
]);
// Abbreviations that do not end a sentence when a number follows ("No. 5", "Art. 12", "Oct. 17").
const NUMBER_ABBREVIATIONS = new Set([
  'no', 'nos', 'nr', 'art', 'arts', 'para', 'paras', 'sec', 'secs', 'ch', 'chap', 'p', 'pp', 'vol',
  'vols', 'fig', 'figs', 'op', 'ed', 'ref', 'tel', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug',
  'sep', 'sept', 'oct', 'nov', 'dec',
]);

/** Segments of a whole text: sentences, list items and headings, in order. */
export function segmentText(text: string): Segment[] {
  const out: Segment[] = [];
  let from = 0;
  for (const m of text.matchAll(PARAGRAPH_BREAK)) {
    addParagraph(text, from, m.index, out);
    from = m.index + m[0].length;
  }
  addParagraph(text, from, text.length, out);
  return out;
}

/** Sentence spans of a trimmed span, skipping a leading list marker. */
export function sentenceSpans(text: string, start: number, end: number): Span[] {
  const s = text.slice(start, end);
  const skip = listMarkerLength(s);
  const spans: Span[] = [];
  let from = 0;
  for (const m of s.matchAll(SENTENCE_END)) {
    if (m.index < skip) continue;
    const cut = m.index + m[0].length;
    const next = skipSpaces(s, cut);
    if (next >= s.length) break;
    if (!endsSentence(s, m.index, m[0], next)) continue;
    spans.push({ start: start + from, end: start + cut });
    from = next;
  }
  spans.push({ start: start + from, end });
  return spans;
}

/** Length of the list marker ("•", "-", "1.", "2)", "(a)", "1.2") that opens a line, or 0. */
export function listMarkerLength(line: string): number {
  return BULLET.exec(line)?.[0].length ?? NUMBERED.exec(line)?.[0].length ?? 0;
}

/** Appends the segments of one paragraph, marking its last one. */
function addParagraph(text: string, from: number, to: number, out: Segment[]): void {
  const lines = trimmedLines(text, from, to);
  if (lines.length === 0) return;
  const blocks: Span[][] = [];
  for (const [i, line] of lines.entries()) {
    const prev = lines[i - 1];
    const current = blocks[blocks.length - 1];
    if (prev && current && !breaksBetween(text.slice(prev.start, prev.end), text.slice(line.start, line.end))) {
      current.push(line);
    } else {
      blocks.push([line]);
    }
  }
  const before = out.length;
  for (const block of blocks) addBlock(text, block, blocks.length === 1, out);
  const last = out[out.length - 1];
  if (last && out.length > before) last.paragraphEnd = true;
}

/** Appends one block of lines as an item, a heading, or its sentences. */
function addBlock(text: string, lines: Span[], wholeParagraph: boolean, out: Segment[]): void {
  const first = lines[0];
  const last = lines[lines.length - 1];
  if (!first || !last) return;
  const span = { start: first.start, end: last.end };
  const firstLine = text.slice(first.start, first.end);
  const singleLine = lines.length === 1;
  const headingLike = singleLine && isHeadingLike(firstLine);
  if (BULLET.test(firstLine)) {
    out.push({ ...span, kind: 'item', paragraphEnd: false });
  } else if (NUMBERED.test(firstLine)) {
    // "2. Definitions" alone in its paragraph is a numbered heading, not an item of a list.
    const kind = wholeParagraph && headingLike ? 'heading' : 'item';
    out.push({ ...span, kind, paragraphEnd: false });
  } else if (headingLike) {
    out.push({ ...span, kind: 'heading', paragraphEnd: false });
  } else {
    for (const s of sentenceSpans(text, span.start, span.end)) out.push({ ...s, kind: 'sentence', paragraphEnd: false });
  }
}

/** Non-empty lines of a span, each trimmed. */
function trimmedLines(text: string, from: number, to: number): Span[] {
  const lines: Span[] = [];
  let start = from;
  while (start <= to) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 || nl > to ? to : nl;
    let a = start;
    let b = end;
    while (a < b && /\s/.test(text[a] ?? '')) a++;
    while (b > a && /\s/.test(text[b - 1] ?? '')) b--;
    if (b > a) lines.push({ start: a, end: b });
    start = end + 1;
  }
  return lines;
}

/** Whether a line break inside a paragraph ends a unit. */
function breaksBetween(prev: string, next: string): boolean {
  if (listMarkerLength(next) > 0) return true;
  if (LOWERCASE_START.test(next)) return false;
  return LINE_ENDS_CLAUSE.test(prev) || wordCount(prev) <= SHORT_LINE_WORDS;
}

/** Short line without final punctuation. */
function isHeadingLike(line: string): boolean {
  return line.length <= HEADING_MAX_CHARS && wordCount(line) <= HEADING_MAX_WORDS && !HEADING_FORBIDDEN_END.test(line);
}

/** Words of a single-spaced line. */
function wordCount(line: string): number {
  let n = 1;
  for (const ch of line) if (ch === ' ') n++;
  return n;
}

/** First non-whitespace offset at or after i. */
function skipSpaces(s: string, i: number): number {
  let j = i;
  while (j < s.length && /\s/.test(s[j] ?? '')) j++;
  return j;
}

/** Whether terminal punctuation at `at`, followed by text at `next`, ends a sentence. */
function endsSentence(s: string, at: number, punct: string, next: number): boolean {
  const nextChar = s[next] ?? '';
  // A period, "?" or "!" followed by a lower-case word is inside a sentence ("approx. five", "Yahoo! and").
  if (LOWERCASE_START.test(nextChar)) return false;
  if (punct !== '.') return true;
  let wordStart = at;
  while (wordStart > 0 && at - wordStart < MAX_ABBREVIATION_CHARS && !/\s/.test(s[wordStart - 1] ?? '')) wordStart--;
  if (wordStart > 0 && !/\s/.test(s[wordStart - 1] ?? '')) return true;
  const word = s.slice(wordStart, at).replace(OPENERS, '');
  const lower = word.toLowerCase();
  if (ALWAYS_ABBREVIATIONS.has(lower)) return false;
  if (NUMBER_ABBREVIATIONS.has(lower) && /\d/.test(nextChar)) return false;
  return !INITIAL.test(word) && !DOTTED_ACRONYM.test(word);
}
