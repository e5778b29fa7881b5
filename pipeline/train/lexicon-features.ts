import { axisLexicon, type LexiconFile, type WeightedTerm } from '../lexicon/lexicon-file.ts';
import { termMatcher } from '../lexicon/match.ts';
import { poleWeights } from '../lexicon/score.ts';

/** The lexicon of one axis as a trained model keeps it: weighted terms of pole A and pole B, and the negation rule. */
export interface AxisTerms {
  poles: readonly [readonly WeightedTerm[], readonly WeightedTerm[]];
  negation: { cues: readonly string[]; window: number };
}

/** Number of lexicon columns a model with lexicon features has per axis. */
export const LEXICON_COLUMNS = 2;

/**
 * The lexicon columns of one axis as a function of the text, through the lexicon scorer's own
 * matcher (pipeline/lexicon: whole words, longest match, negation window), so that scorer,
 * baseline and features count the same hits: ln(1 + weighted hits) of pole A and of pole B
 * (negated hits left out, as the scorer leaves them out of the poles). The log keeps a long
 * passage that repeats one term from dominating the TF-IDF part (whose rows have length 1).
 * (A third column, ln(1 + 100 x weighted hits per word), did no better in dev cross-validation.)
 */
export function lexiconColumnsOf(terms: AxisTerms): (text: string) => number[] {
  const match = termMatcher(terms.poles, terms.negation);
  return (text) => {
    const w = poleWeights(match(text));
    return [Math.log1p(w.a), Math.log1p(w.b)];
  };
}

/** The terms of one axis from a lexicon file, or empty lists when the file has no entry for the axis. */
export function axisTermsOf(file: LexiconFile, axis: { slug: string; poles: readonly [string, string] }): AxisTerms {
  const negation = { cues: [...file.negation.cues], window: file.negation.window };
  if (!Object.hasOwn(file.axes, axis.slug)) return { poles: [[], []], negation };
  const lex = axisLexicon(file, axis);
  return { poles: [lex.a, lex.b], negation };
}
