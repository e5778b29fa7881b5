import { z } from 'zod';
import { IRRELEVANT, NEUTRAL, type EvalAxis } from '../axis.ts';
import type { Baseline } from './baseline.ts';
import { termMatcher } from '../../pipeline/lexicon/match.ts';

/** Keywords per pole per axis: { <axis slug>: { <pole slug>: [keyword, ...] } }. */
export type Lexicon = Record<string, Record<string, string[]>>;

/** Error raised when a lexicon is malformed or does not fit the axis asked for. */
export class LexiconError extends Error {
  override name = 'LexiconError';
}

const lexiconSchema = z.record(
  z.string().min(1),
  z.record(z.string().min(1), z.array(z.string().trim().min(1, 'keywords must not be blank'))),
);

/** Validates parsed JSON as a Lexicon; `source` names it in error messages. */
export function parseLexicon(json: unknown, source: string): Lexicon {
  const parsed = lexiconSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    throw new LexiconError(`${source}: ${where}: ${issue?.message ?? 'invalid lexicon'}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** The keyword lists of an axis, as [pole A keywords, pole B keywords]. */
export type AxisKeywords = readonly [readonly string[], readonly string[]];

/**
 * The keywords of one axis, checked against its poles: the axis must have an entry with
 * exactly its two poles, and no keyword may appear under both poles (it would cancel itself).
 */
export function axisKeywords(lexicon: Lexicon, axis: EvalAxis): AxisKeywords {
  const entry = Object.hasOwn(lexicon, axis.slug) ? lexicon[axis.slug] : undefined;
  if (entry === undefined) {
    throw new LexiconError(`lexicon has no entry for axis "${axis.slug}" (it has: ${Object.keys(lexicon).join(', ') || 'none'})`);
  }
  const poles = axis.poles;
  const unknown = Object.keys(entry).filter((p) => !poles.includes(p));
  if (unknown.length > 0) {
    throw new LexiconError(`lexicon entry for axis "${axis.slug}" has unknown pole(s) ${unknown.join(', ')} (poles: ${poles.join(', ')})`);
  }
  const lists = poles.map((pole) => {
    const list = Object.hasOwn(entry, pole) ? entry[pole] : undefined;
    if (list === undefined) throw new LexiconError(`lexicon entry for axis "${axis.slug}" has no keywords for pole "${pole}"`);
    return list.map(normalizeKeyword);
  });
  const [a = [], b = []] = lists;
  const shared = a.filter((k) => b.includes(k));
  if (shared.length > 0) {
    throw new LexiconError(`lexicon entry for axis "${axis.slug}" lists keyword(s) under both poles: ${shared.join(', ')}`);
  }
  return [a, b];
}

/** Lowercased keyword with single spaces, the form keywords are compared in. */
function normalizeKeyword(keyword: string): string {
  return keyword.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Builds a counter of keyword hits per pole with the lexicon scorer's matcher
 * (pipeline/lexicon/match.ts, one matcher for scorer, baseline and trained features): whole-word,
 * case-insensitive, spaces match any run of whitespace, no overlaps, the longest keyword wins
 * ("national security" counts once, not also as "security"). The baseline counts every hit
 * once: no weights, no negation window.
 */
export function poleHitCounter(keywords: AxisKeywords): (text: string) => [number, number] {
  const match = termMatcher([keywords[0].map((term) => ({ term, weight: 1 })), keywords[1].map((term) => ({ term, weight: 1 }))], { cues: [], window: 0 });
  return (text) => {
    const hits: [number, number] = [0, 0];
    for (const h of match(text)) hits[h.pole] += 1;
    return hits;
  };
}

/** Label from hit counts: the pole with more hits; "neutral" on a non-zero tie; "irrelevant" on none. */
export function labelFromHits(axis: EvalAxis, [a, b]: readonly [number, number]): string {
  if (a === 0 && b === 0) return IRRELEVANT;
  if (a === b) return NEUTRAL;
  return a > b ? axis.poles[0] : axis.poles[1];
}

/**
 * The lexicon baseline for one axis, under the name "lexicon". It has nothing to learn, so
 * its trainer ignores the training data; it fits the Baseline shape so it can run in the
 * same cross-validation loop as the others. Fails at once if the axis has no lexicon entry.
 */
export function lexiconBaseline(lexicon: Lexicon, axis: EvalAxis): Baseline {
  const count = poleHitCounter(axisKeywords(lexicon, axis));
  const predictor = { predict: (texts: readonly string[]) => texts.map((t) => labelFromHits(axis, count(t))) };
  return { name: 'lexicon', train: () => predictor };
}
