import type { AxisDefinition } from '../axes.ts';
import { combineAxisScore, type AxisScore, type Thresholds } from '../stance-score.ts';
import { axisLexicon, type LexiconFile } from './lexicon-file.ts';
import { termMatcher, wordCount, type TermHit } from './match.ts';

/** A matched term as stored with a score: which pole, its weight, how often, how often negated. */
export interface MatchedTerm {
  term: string;
  pole: string;
  weight: number;
  count: number;
  negated: number;
}

/** Why a passage got its lexicon score: the terms it matched (the `details` of a score row). */
export interface LexiconDetails {
  terms: MatchedTerm[];
  [key: string]: unknown;
}

/** A lexicon score: the common score shape plus the matched terms. */
export type LexiconAxisScore = AxisScore & { details: LexiconDetails };

/** Summed weights of the hits: non-negated per pole (a, b), negated, and all of them. */
export function poleWeights(hits: readonly TermHit[]): { a: number; b: number; negated: number; all: number } {
  const w = { a: 0, b: 0, negated: 0, all: 0 };
  for (const h of hits) {
    w.all += h.weight;
    if (h.negated) w.negated += h.weight;
    else if (h.pole === 0) w.a += h.weight;
    else w.b += h.weight;
  }
  return w;
}

/**
 * Pole probabilities, score and relevance from term hits. Negated hits are dropped from the
 * poles (a denied term says the text is on the topic, not on which side) but still count toward
 * relevance. pA = (wA + s) / (wA + wB + 2s) with smoothing s, so one weak hit cannot give a
 * certain-looking pole; relevance = 1 - exp(-density / scale), with density the weighted hits
 * per word, saturating toward 1 as hits pile up.
 */
export function lexiconScoreFromHits(hits: readonly TermHit[], wordCount: number, file: Pick<LexiconFile, 'smoothing' | 'relevanceScale' | 'minWords'>): { probA: number; probB: number; relevance: number } {
  const { a: wA, b: wB, all } = poleWeights(hits);
  const s = file.smoothing;
  const probA = (wA + s) / (wA + wB + 2 * s);
  const density = all / Math.max(wordCount, file.minWords);
  return { probA, probB: 1 - probA, relevance: 1 - Math.exp(-density / file.relevanceScale) };
}

/** The hits grouped by term, most weight first (then alphabetical, so the order is stable). */
export function matchedTerms(hits: readonly TermHit[], poles: readonly [string, string]): MatchedTerm[] {
  const byTerm = new Map<string, MatchedTerm>();
  for (const h of hits) {
    const m = byTerm.get(h.term) ?? { term: h.term, pole: poles[h.pole], weight: h.weight, count: 0, negated: 0 };
    m.count += 1;
    if (h.negated) m.negated += 1;
    byTerm.set(h.term, m);
  }
  return [...byTerm.values()].sort((x, y) => y.weight * y.count - x.weight * x.count || x.term.localeCompare(y.term));
}

/**
 * Builds the lexicon scorer of one axis: texts -> score with matched terms. Labels follow the
 * rule of the other scorers (combineAxisScore), with the lexicon file's thresholds for the axis
 * when it has them, else the axis file's.
 */
export function lexiconAxisScorer(file: LexiconFile, axis: AxisDefinition, override?: Thresholds): (text: string) => LexiconAxisScore {
  const poles = [axis.poles[0].slug, axis.poles[1].slug] as const;
  const lex = axisLexicon(file, { slug: axis.slug, poles });
  const match = termMatcher([lex.a, lex.b], file.negation);
  const thresholds = override ?? lex.thresholds ?? axis.thresholds;
  return (text) => {
    const hits = match(text);
    const p = lexiconScoreFromHits(hits, wordCount(text), file);
    return { ...combineAxisScore(p.probA, p.probB, p.relevance, axis, thresholds), details: { terms: matchedTerms(hits, poles) } };
  };
}

/** Scores texts on every axis with the lexicon: scores[text][axis]. */
export function scoreWithLexicon(file: LexiconFile, texts: readonly string[], axes: readonly AxisDefinition[], thresholds?: Record<string, Thresholds>): LexiconAxisScore[][] {
  const scorers = axes.map((axis) => lexiconAxisScorer(file, axis, thresholds?.[axis.slug]));
  return texts.map((t) => scorers.map((score) => score(t)));
}
