/** How texts become features for the bag-of-words model. */
export interface TokenizeOptions {
  /** Add adjacent-token pairs ("civil society") as extra features. Default false. */
  bigrams?: boolean;
}

// Marks are kept inside tokens: scripts such as Devanagari write vowels as combining marks,
// and splitting on them would cut words apart.
const TOKEN = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * Lowercased runs of Unicode letters, marks and digits (after NFKC, so full-width and
 * ligature forms meet their plain spellings), plus space-joined bigrams if asked.
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const unigrams = text.normalize('NFKC').toLowerCase().match(TOKEN) ?? [];
  if (options.bigrams !== true) return unigrams;
  // A space never occurs inside a unigram, so a bigram cannot collide with one.
  const bigrams = unigrams.slice(1).map((token, i) => `${unigrams[i]} ${token}`);
  return [...unigrams, ...bigrams];
}
