// The codebook may quote only dev passages (CODEBOOK §7). These functions read its quoting
// convention and find quotes that share text with the test split, so a test can guard it.

/** Quotes shorter than this many words are not quotes by the convention (labels, short phrases). */
export const QUOTE_MIN_WORDS = 6;

/** Lower case, every run of non-letters/digits as one space: quotes and curly quotes, dashes and case do not hide a match. */
export function normaliseForMatch(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const ELLIPSIS = /\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\./;

/**
 * The quoted passages of a Markdown codebook: each blockquote (consecutive lines starting with
 * `>`) and each double-quoted string (straight or curly) outside blockquotes and code, of at
 * least QUOTE_MIN_WORDS words. A quote is split at an ellipsis, since the words on either side
 * were not adjacent in the source; fragments keep the word minimum.
 */
export function extractQuotes(markdown: string): string[] {
  const withoutCode = markdown.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '').replace(/`[^`\n]*`/g, ' ');
  const blockquotes: string[] = [];
  const prose: string[] = [];
  let current: string[] | undefined;
  for (const line of withoutCode.split(/\r?\n/)) {
    const match = /^\s*>\s?(.*)$/.exec(line);
    if (match) {
      current ??= [];
      current.push(match[1] ?? '');
      continue;
    }
    if (current !== undefined) blockquotes.push(current.join(' '));
    current = undefined;
    prose.push(line);
  }
  if (current !== undefined) blockquotes.push(current.join(' '));
  const text = prose.join(' ');
  const inline = [...text.matchAll(/"([^"]+)"|“([^”]+)”/g)].map((m) => m[1] ?? m[2] ?? '');
  return [...blockquotes, ...inline]
    .flatMap((quote) => quote.split(ELLIPSIS))
    .map((fragment) => fragment.replace(/\s+/g, ' ').trim())
    .filter((fragment) => normaliseForMatch(fragment).split(' ').length >= QUOTE_MIN_WORDS);
}

/** One quote that shares a window of words with a protected text. */
export interface QuoteLeak {
  quote: string;
  /** The first shared window, normalised. */
  window: string;
  /** Which protected text it was found in (an item id or a document file name). */
  where: string;
}

/**
 * Every quote that shares `windowWords` consecutive normalised words with one of the protected
 * texts. This catches a quote inside a text and a text inside a quote alike (the shorter one's
 * windows are windows of the longer); protected texts shorter than the window are ignored.
 */
export function findLeaks(
  quotes: readonly string[],
  protectedTexts: ReadonlyMap<string, string>,
  windowWords = QUOTE_MIN_WORDS,
): QuoteLeak[] {
  const haystacks = [...protectedTexts].map(([where, text]) => [where, ` ${normaliseForMatch(text)} `] as const);
  const leaks: QuoteLeak[] = [];
  for (const quote of quotes) {
    const words = normaliseForMatch(quote).split(' ');
    search: for (let i = 0; i + windowWords <= words.length; i++) {
      const window = words.slice(i, i + windowWords).join(' ');
      for (const [where, haystack] of haystacks) {
        if (haystack.includes(` ${window} `)) {
          leaks.push({ quote, window, where });
          break search;
        }
      }
    }
  }
  return leaks;
}
