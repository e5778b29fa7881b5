/**
 * Sentence-aware chunking of normalized text for the NLI model.
 *
 * Approach, linear in the text length:
 * 1. sentences.ts splits the text into units (sentences, list items, headings), each counted once
 *    with countTokens. A unit over budget is split into its sentences (list items) and then, at
 *    whitespace, into the longest pieces that fit (exponential then binary search over word ends,
 *    counting only candidate prefixes); a single word over budget is split between characters.
 * 2. Units are packed greedily: the estimate of a chunk is the sum of its unit counts plus
 *    JOIN_ALLOWANCE per join, so adding a unit costs O(1) instead of re-tokenizing the chunk.
 *    A chunk closes at a paragraph end once it is more than half full, but never right after a
 *    heading or a lead-in ending in ":" (that unit is carried to the next chunk instead).
 * 3. Each chunk is measured once with countTokens (tokenCount is that exact number). Counts are
 *    not strictly additive for every tokenizer, so if the measure exceeds the budget the last unit
 *    is dropped and the chunk re-measured; a single unit always fits because it was counted alone.
 * Words over MAX_WORD_CHARS are counted one token per character (boundLongWords), so a run of a
 * million letters is cut into chunks of at most maxTokens characters, not kept as one "[UNK]".
 * With overlapSentences = 1 a chunk starts with the last unit of the previous chunk when that unit
 * is a whole sentence, item or heading, is not the whole previous chunk, and leaves room for the
 * next unit.
 */
import { MAX_WORD_CHARS } from './limits.ts';
import { segmentText, sentenceSpans } from './sentences.ts';
import type { SegmentKind } from './sentences.ts';

/** Default chunk budget in model tokens, well under the 512 of BERT-sized NLI models with a hypothesis. */
export const DEFAULT_CHUNK_TOKENS = 200;

/** A chunk of the input: text === input.slice(start, end), tokenCount as measured by countTokens (long words bounded, see boundLongWords). */
export type Chunk = { ordinal: number; text: string; start: number; end: number; tokenCount: number };

/** Budget, optional one-sentence overlap, and the tokenizer's counter. */
export type ChunkOptions = { maxTokens: number; overlapSentences?: 0 | 1; countTokens: (s: string) => number };

// Tokens a join of two separately counted units may add (a newline token, a merge across the
// space); over-estimating keeps the exact re-measure of a chunk from failing in practice.
const JOIN_ALLOWANCE = 1;

type Unit = {
  start: number;
  end: number;
  tokens: number;
  kind: SegmentKind | 'fragment';
  paragraphEnd: boolean;
  keepWithNext: boolean;
};

type Piece = { start: number; end: number; tokens: number };

/** Splits text into chunks of at most maxTokens tokens along sentence, list and paragraph boundaries. */
export function chunkText(text: string, opts: ChunkOptions): Chunk[] {
  const { maxTokens } = opts;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new RangeError(`maxTokens must be a positive integer, got ${maxTokens}`);
  }
  // WordPiece maps any word over its max_input_chars_per_word (100) to one [UNK]: counted as it
  // stands, a 1 MB word is "1 token" and becomes one 1 MB chunk. One token per character (and one
  // more, for a SentencePiece word marker) is a bound no tokenizer exceeds, and it is free, where
  // tokenizing a 100-character word takes WordPiece about 10 ms.
  const countTokens = boundLongWords(opts.countTokens);
  const units = toUnits(text, maxTokens, countTokens);
  return pack(text, units, maxTokens, opts.overlapSentences ?? 0, countTokens);
}

const LONG_WORD = new RegExp(`\\S{${MAX_WORD_CHARS + 1},}`, 'gu');

/**
 * A token counter that counts every word over MAX_WORD_CHARS characters as one token per
 * character plus one, and the rest of the text with countTokens.
 */
export function boundLongWords(countTokens: (s: string) => number): (s: string) => number {
  return (text) => {
    let long = 0;
    const rest = text.replace(LONG_WORD, (word) => {
      long += word.length + 1;
      return ' ';
    });
    return long === 0 ? countTokens(text) : countTokens(rest) + long;
  };
}

/** Counted units of the text, with over-budget units split until every one fits. */
function toUnits(text: string, max: number, count: (s: string) => number): Unit[] {
  const units: Unit[] = [];
  for (const seg of segmentText(text)) {
    const tokens = count(text.slice(seg.start, seg.end));
    const keepWithNext = seg.kind === 'heading' || text[seg.end - 1] === ':';
    if (tokens <= max) {
      units.push({ ...seg, tokens, keepWithNext });
      continue;
    }
    const parts = seg.kind === 'sentence' ? [seg] : sentenceSpans(text, seg.start, seg.end);
    for (const part of parts) {
      const partTokens = parts.length === 1 ? tokens : count(text.slice(part.start, part.end));
      const pieces = partTokens <= max ? [{ ...part, tokens: partTokens }] : hardSplit(text, part, max, count);
      const kind = partTokens <= max ? 'sentence' : 'fragment';
      for (const p of pieces) units.push({ ...p, kind, paragraphEnd: false, keepWithNext: false });
    }
    const last = units[units.length - 1];
    if (last) last.paragraphEnd = seg.paragraphEnd;
  }
  return units;
}

/** Greedy packing of units into chunks, each measured once with countTokens. */
function pack(text: string, units: Unit[], max: number, overlap: 0 | 1, count: (s: string) => number): Chunk[] {
  const chunks: Chunk[] = [];
  let i = 0;
  let prevFirst = 0;
  while (i < units.length) {
    const prev = units[i - 1];
    const cur = units[i];
    if (!cur) break;
    // Repeating a chunk's only unit would make the next chunk a superset of it.
    const repeat = overlap === 1 && prev !== undefined && prevFirst < i - 1 && canRepeat(prev, cur, max);
    let first = repeat ? i - 1 : i;
    let last = extend(units, first, i, max);
    last = releaseTrailingLeadIns(units, i, last);
    let tokens = measure(text, units, first, last, count);
    while (tokens > max) {
      if (last > i) last--;
      else first = i;
      tokens = measure(text, units, first, last, count);
    }
    const start = units[first]?.start ?? 0;
    const end = units[last]?.end ?? start;
    chunks.push({ ordinal: chunks.length, text: text.slice(start, end), start, end, tokenCount: tokens });
    prevFirst = first;
    i = last + 1;
  }
  return chunks;
}

/** Last unit once trailing headings and lead-ins move to the next chunk (a title block alone stays). */
function releaseTrailingLeadIns(units: Unit[], min: number, last: number): number {
  if (last + 1 >= units.length) return last;
  let k = last;
  while (k > min && units[k]?.keepWithNext) k--;
  return k > min || !units[k]?.keepWithNext ? k : last;
}

/** Whether the previous chunk's last unit can open the next chunk and still leave room. */
function canRepeat(prev: Unit, next: Unit, max: number): boolean {
  return prev.kind !== 'fragment' && prev.tokens + JOIN_ALLOWANCE + next.tokens <= max;
}

/** Index of the last unit of a greedy chunk from `first` that includes at least unit `min`. */
function extend(units: Unit[], first: number, min: number, max: number): number {
  let last = first;
  let estimate = units[first]?.tokens ?? 0;
  for (;;) {
    const u = units[last];
    const next = units[last + 1];
    if (!u || !next) break;
    // Past half the budget, a paragraph end is a better place to stop than mid-topic.
    if (last >= min && u.paragraphEnd && !u.keepWithNext && estimate * 2 > max) break;
    const grown = estimate + JOIN_ALLOWANCE + next.tokens;
    if (grown > max && last >= min) break;
    estimate = grown;
    last++;
  }
  return last;
}

/** Exact token count of the units first..last joined as they stand in the text. */
function measure(text: string, units: Unit[], first: number, last: number, count: (s: string) => number): number {
  const a = units[first];
  const b = units[last];
  if (!a || !b) return 0;
  return first === last ? a.tokens : count(text.slice(a.start, b.end));
}

/** Splits an over-budget span at whitespace into the longest fitting pieces; words over budget by characters. */
function hardSplit(text: string, span: { start: number; end: number }, max: number, count: (s: string) => number): Piece[] {
  const wordStarts = [span.start];
  const wordEnds: number[] = [];
  for (const m of text.slice(span.start, span.end).matchAll(/\s+/g)) {
    wordEnds.push(span.start + m.index);
    wordStarts.push(span.start + m.index + m[0].length);
  }
  wordEnds.push(span.end);
  const pieces: Piece[] = [];
  let w = 0;
  let guess = max - 1;
  while (w < wordEnds.length) {
    const from = wordStarts[w] ?? span.end;
    const base = w;
    const fit = lastFitting(wordEnds.length - w, guess, max, (k) => count(text.slice(from, wordEnds[base + k])));
    if (fit.index < 0) {
      pieces.push(...splitWord(text, from, wordEnds[w] ?? span.end, max, count));
      w++;
      continue;
    }
    pieces.push({ start: from, end: wordEnds[w + fit.index] ?? span.end, tokens: fit.tokens });
    guess = fit.index;
    w += fit.index + 1;
  }
  return pieces;
}

/** Splits one over-budget word between code points (never inside a surrogate pair). */
function splitWord(text: string, start: number, end: number, max: number, count: (s: string) => number): Piece[] {
  const cuts: number[] = [];
  for (let p = start; p < end; ) {
    p += (text.codePointAt(p) ?? 0) > 0xffff ? 2 : 1;
    cuts.push(p);
  }
  const pieces: Piece[] = [];
  let c = 0;
  let from = start;
  let guess = max - 1;
  while (c < cuts.length) {
    const base = c;
    const a = from;
    const fit = lastFitting(cuts.length - c, guess, max, (k) => count(text.slice(a, cuts[base + k])));
    if (fit.index < 0) throw new RangeError(`maxTokens ${max} is too small for the single character at offset ${from}`);
    const to = cuts[c + fit.index] ?? end;
    pieces.push({ start: from, end: to, tokens: fit.tokens });
    guess = fit.index;
    c += fit.index + 1;
    from = to;
  }
  return pieces;
}

/** Largest k in [0, n) whose probe is within max (-1 if none): gallops up from a guess, then bisects. */
// Counts are assumed to grow with k; only probed values are returned, so the budget holds regardless.
function lastFitting(n: number, guess: number, max: number, probe: (k: number) => number): { index: number; tokens: number } {
  let lo = -1;
  let loTokens = 0;
  let hi = n;
  let k = Math.min(Math.max(guess, 0), n - 1);
  let step = 1;
  for (;;) {
    const t = probe(k);
    if (t > max) {
      hi = k;
      break;
    }
    lo = k;
    loTokens = t;
    if (k === n - 1) break;
    k = Math.min(n - 1, k + step);
    step *= 2;
  }
  while (hi - lo > 1) {
    const mid = lo + ((hi - lo) >> 1);
    const t = probe(mid);
    if (t > max) hi = mid;
    else {
      lo = mid;
      loTokens = t;
    }
  }
  return { index: lo, tokens: loTokens };
}
