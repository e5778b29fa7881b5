import { lexiconColumns, lexiconHitCounter, type PoleKeywords } from './lexicon-features.ts';
import { concatRows, l2Normalize, type SparseRow } from './sparse.ts';
import { tfidfVectorizer, type VocabularyEntry } from './text-features.ts';

/** What the columns of a model are made of: the TF-IDF vocabulary, lexicon keywords, an embedding width. */
export interface FeatureLayout {
  vocabulary: readonly VocabularyEntry[];
  /** Whether the two lexicon columns follow the TF-IDF columns. */
  lexicon: boolean;
  /** Width of the embedding columns that come last (0 for none). */
  embeddingDimension: number;
}

/** Number of feature columns of a layout. */
export function layoutWidth(layout: FeatureLayout): number {
  return layout.vocabulary.length + (layout.lexicon ? 2 : 0) + layout.embeddingDimension;
}

/**
 * Builds the feature rows of one axis: TF-IDF of the text, then ln(1 + hits) per pole of the
 * axis's keywords (when the layout has lexicon columns), then the unit-length embedding of the
 * text (when it has embedding columns; `embeddings` then holds one vector per text).
 */
export function axisFeatureRows(
  layout: FeatureLayout,
  keywords: PoleKeywords | null,
  texts: readonly string[],
  embeddings?: readonly (readonly number[])[],
): SparseRow[] {
  const tfidf = tfidfVectorizer(layout.vocabulary);
  const count = layout.lexicon ? lexiconHitCounter(keywords ?? [[], []]) : undefined;
  if (layout.embeddingDimension > 0 && embeddings?.length !== texts.length) {
    throw new Error(`the model uses embeddings: need one per text (${texts.length}), got ${embeddings?.length ?? 0}`);
  }
  return texts.map((text, i) => {
    let row = tfidf.vectorize(text);
    let width = tfidf.dimension;
    if (count) {
      const [a, b] = lexiconColumns(count(text));
      row = concatRows(row, { indices: [0, 1], values: [a, b] }, width);
      width += 2;
    }
    if (layout.embeddingDimension > 0) {
      const vector = embeddings?.[i] ?? [];
      if (vector.length !== layout.embeddingDimension) throw new Error(`embedding ${i} has ${vector.length} values, expected ${layout.embeddingDimension}`);
      row = concatRows(row, l2Normalize({ indices: vector.map((_, j) => j), values: [...vector] }), width);
    }
    return row;
  });
}
