import { LEXICON_COLUMNS, lexiconColumnsOf, type AxisTerms } from './lexicon-features.ts';
import { concatRows, l2Normalize, type SparseRow } from './sparse.ts';
import { tfidfVectorizer, type VocabularyEntry } from './text-features.ts';

/** What the columns of a model are made of: the TF-IDF vocabulary, lexicon keywords, an embedding width. */
export interface FeatureLayout {
  vocabulary: readonly VocabularyEntry[];
  /**
   * Euclidean length of the TF-IDF part of each row. Against the lexicon columns (ln of hit
   * counts, not normalised) it sets how strongly the L2 penalty holds the words back relative to
   * the dictionary: length 2 gives the words more room than length 1.
   */
  tfidfLength: number;
  /** Whether the lexicon columns follow the TF-IDF columns. */
  lexicon: boolean;
  /** Width of the embedding columns that come last (0 for none). */
  embeddingDimension: number;
}

/** Number of feature columns of a layout. */
export function layoutWidth(layout: FeatureLayout): number {
  return layout.vocabulary.length + (layout.lexicon ? LEXICON_COLUMNS : 0) + layout.embeddingDimension;
}

/**
 * Builds the feature rows of one axis: TF-IDF of the text (rows of length layout.tfidfLength), then the lexicon columns of the
 * axis's terms (lexiconColumnsOf; when the layout has lexicon columns), then the unit-length embedding of the
 * text (when it has embedding columns; `embeddings` then holds one vector per text).
 */
export function axisFeatureRows(
  layout: FeatureLayout,
  terms: AxisTerms | null,
  texts: readonly string[],
  embeddings?: readonly (readonly number[])[],
): SparseRow[] {
  const tfidf = tfidfVectorizer(layout.vocabulary, layout.tfidfLength);
  const columns = layout.lexicon ? lexiconColumnsOf(terms ?? { poles: [[], []], negation: { cues: [], window: 0 } }) : undefined;
  if (layout.embeddingDimension > 0 && embeddings?.length !== texts.length) {
    throw new Error(`the model uses embeddings: need one per text (${texts.length}), got ${embeddings?.length ?? 0}`);
  }
  return texts.map((text, i) => {
    let row = tfidf.vectorize(text);
    let width = tfidf.dimension;
    if (columns) {
      const values = columns(text);
      row = concatRows(row, { indices: values.map((_, j) => j), values }, width);
      width += LEXICON_COLUMNS;
    }
    if (layout.embeddingDimension > 0) {
      const vector = embeddings?.[i] ?? [];
      if (vector.length !== layout.embeddingDimension) throw new Error(`embedding ${i} has ${vector.length} values, expected ${layout.embeddingDimension}`);
      row = concatRows(row, l2Normalize({ indices: vector.map((_, j) => j), values: [...vector] }), width);
    }
    return row;
  });
}
