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

/**
 * Label probabilities from lexicon hits, for stacking the lexicon with other scorers. With n
 * = a + b hits, relevance r = n / (n + 1) (no hit: surely irrelevant; each hit makes it likelier
 * to be about the axis) and d = |a - b| / n the share of hits that favour the leading pole:
 * P(irrelevant) = 1 - r, P(neutral) = r (1 - d), P(leading pole) = r d, P(other pole) = 0,
 * the same derivation as eval/label-probabilities.ts with the hit shares as pole support.
 */
export function lexiconLabelProbabilities(poles: readonly [string, string], hits: readonly [number, number]): Record<string, number> {
  const [a, b] = hits;
  const n = a + b;
  const r = n / (n + 1);
  const d = n === 0 ? 0 : Math.abs(a - b) / n;
  return { [poles[0]]: a > b ? r * d : 0, [poles[1]]: b > a ? r * d : 0, neutral: r * (1 - d), irrelevant: 1 - r };
}
