import { poleHitCounter } from '../../eval/baselines/lexicon.ts';

/** Keyword lists of one axis: pole A's, then pole B's (lowercase, single spaces). */
export type PoleKeywords = readonly [readonly string[], readonly string[]];

/**
 * Counts keyword hits per pole in a text: [hits of pole A, hits of pole B]. The one place the
 * trained model meets the lexicon matcher (whole words, longest match, no overlaps), so that
 * moving to another lexicon module means changing this function only.
 */
export function lexiconHitCounter(keywords: PoleKeywords): (text: string) => [number, number] {
  return poleHitCounter(keywords);
}

/**
 * The lexicon columns of a text: ln(1 + hits) for pole A and for pole B. The log keeps a long
 * passage that repeats one keyword from dominating its TF-IDF part (whose rows have length 1).
 */
export function lexiconColumns(hits: readonly [number, number]): [number, number] {
  return [Math.log1p(hits[0]), Math.log1p(hits[1])];
}
