import { compareLabels } from '../../eval/baselines/baseline.ts';
import { tokenize } from '../../eval/baselines/tokenize.ts';
import { l2Normalize, type SparseRow } from './sparse.ts';

/** One vocabulary entry: a word unigram or a space-joined bigram, and its inverse document frequency. */
export interface VocabularyEntry {
  term: string;
  idf: number;
}

/** Word uni- and bigrams of a text, lowercased (the tokenizer of the bag-of-words baseline). */
export function ngrams(text: string): string[] {
  return tokenize(text, { bigrams: true });
}

/**
 * The vocabulary of a training set: every n-gram in at least `minDf` texts, sorted by code
 * units (so the column order does not depend on the order of the texts), with the smoothed
 * idf ln((1 + n) / (1 + df)) + 1 (scikit-learn's default, never 0).
 */
export function fitVocabulary(texts: readonly string[], minDf: number): VocabularyEntry[] {
  const df = new Map<string, number>();
  for (const text of texts) for (const term of new Set(ngrams(text))) df.set(term, (df.get(term) ?? 0) + 1);
  const n = texts.length;
  return [...df]
    .filter(([, count]) => count >= minDf)
    .map(([term]) => term)
    .sort(compareLabels)
    .map((term) => ({ term, idf: Math.log((1 + n) / (1 + (df.get(term) as number))) + 1 }));
}

/** Maps texts to TF-IDF rows over a fixed vocabulary. */
export interface TfidfVectorizer {
  dimension: number;
  vectorize(text: string): SparseRow;
}

/**
 * TF-IDF rows: sublinear term frequency (1 + ln tf) times idf, scaled to Euclidean length
 * `length` (1 unless given). N-grams outside the vocabulary are ignored; a text with none gives
 * the zero row.
 */
export function tfidfVectorizer(vocabulary: readonly VocabularyEntry[], length = 1): TfidfVectorizer {
  const column = new Map(vocabulary.map((e, i) => [e.term, i] as const));
  return {
    dimension: vocabulary.length,
    vectorize(text) {
      const counts = new Map<number, number>();
      for (const term of ngrams(text)) {
        const j = column.get(term);
        if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
      }
      const indices = [...counts.keys()].sort((a, b) => a - b);
      const values = indices.map((j) => (1 + Math.log(counts.get(j) as number)) * (vocabulary[j] as VocabularyEntry).idf);
      const unit = l2Normalize({ indices, values });
      return length === 1 ? unit : { indices: unit.indices, values: unit.values.map((v) => v * length) };
    },
  };
}
