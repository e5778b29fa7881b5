import type { WeightedTerm } from './lexicon-file.ts';

/** One occurrence of a lexicon term in a text. */
export interface TermHit {
  term: string;
  /** 0 = pole A, 1 = pole B. */
  pole: 0 | 1;
  weight: number;
  /** Character offset of the match in the text. */
  start: number;
  /** A negation cue stood within the window before the term. */
  negated: boolean;
}

/** Escapes only regex syntax characters: in a /u regex, escaping anything else (such as "-") is an error. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const WORD = /[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*/gu;
// A negation does not reach across a clause: "no doubt, security ..." does not negate security.
const CLAUSE_BREAK = /[.;:!?,()\u2013\u2014]/g;
// "not only X but also Y" affirms X; "no longer", "not least" do not deny what follows either.
const NOT_NEGATING_AFTER = new Set(['only', 'just', 'merely', 'least', 'longer']);

/** The words of a text, lowercased, in order. */
export function words(text: string): string[] {
  return Array.from(text.toLowerCase().matchAll(WORD), (m) => m[0]);
}

/**
 * True when a negation cue (one or more words) ends within the last `window` words of `before`,
 * in the same clause. Cues followed by "only", "just", ... are not negations.
 */
export function negatedBy(before: string, cues: readonly string[][], window: number): boolean {
  if (window === 0 || cues.length === 0) return false;
  let clauseStart = 0;
  for (const m of before.matchAll(CLAUSE_BREAK)) clauseStart = (m.index ?? 0) + 1;
  return negatedInClause(before.slice(clauseStart), cues, window);
}

/** negatedBy for text that is already cut at the last clause break before the term. */
function negatedInClause(clause: string, cues: readonly string[][], window: number): boolean {
  const w = words(clause);
  const from = Math.max(0, w.length - window);
  for (const cue of cues) {
    // The cue must end inside the window; it may start before it ("rather than" with window 1).
    for (let end = Math.max(from, cue.length - 1); end < w.length; end++) {
      const start = end - cue.length + 1;
      if (!cue.every((c, i) => w[start + i] === c)) continue;
      if (NOT_NEGATING_AFTER.has(w[end + 1] ?? '')) continue;
      return true;
    }
  }
  return false;
}

/** The number of words of a text (as words(text).length, without building the list). */
export function wordCount(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(WORD)) n++;
  return n;
}

/**
 * Builds a matcher of pole terms. A hit is a whole-word, case-insensitive match: no letter, mark
 * or digit right before or after it ("securityx" is no hit for "security"), and spaces in a term
 * match any run of whitespace. Matches do not overlap and the longest term wins, so "national
 * security" counts once, not also as "security". Each hit says whether a negation cue
 * stood within `negation.window` words before it.
 */
export function termMatcher(poles: readonly [readonly WeightedTerm[], readonly WeightedTerm[]], negation: { cues: readonly string[]; window: number }): (text: string) => TermHit[] {
  const tagged = [...poles[0].map((t) => ({ ...t, pole: 0 as const })), ...poles[1].map((t) => ({ ...t, pole: 1 as const }))].sort(
    (x, y) => y.term.length - x.term.length || x.term.localeCompare(y.term),
  );
  if (tagged.length === 0) return () => [];
  const alternatives = tagged.map(({ term }) => `(${escapeRegExp(term).replace(/ /g, '\\s+')})`).join('|');
  const pattern = new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{M}\\p{N}])`, 'giu');
  const cues = negation.cues.map((c) => c.split(' '));
  const negates = negation.window > 0 && cues.length > 0;
  return (text) => {
    const hits: TermHit[] = [];
    // Clause breaks found once per text, not once per hit: matches come in text order, so the
    // last break before each one is found by walking forward (negatedBy's result, in linear time).
    const breaks = negates ? Array.from(text.matchAll(CLAUSE_BREAK), (m) => m.index ?? 0) : [];
    let b = 0;
    for (const match of text.matchAll(pattern)) {
      // Exactly one capture group took part in the match; its position names the term.
      const t = tagged[match.slice(1).findIndex((g) => g !== undefined)];
      if (!t) continue;
      const start = match.index ?? 0;
      while (b < breaks.length && (breaks[b] as number) < start) b++;
      const clauseStart = b === 0 ? 0 : (breaks[b - 1] as number) + 1;
      const negated = negates && negatedInClause(text.slice(clauseStart, start), cues, negation.window);
      hits.push({ term: t.term, pole: t.pole, weight: t.weight, start, negated });
    }
    return hits;
  };
}
