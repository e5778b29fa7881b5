import { describe, expect, it } from 'vitest';
import { parseArtifact, serializeArtifact, ArtifactError, type TrainedArtifact } from '../../pipeline/train/artifact.ts';
import { canonicalJson } from '../../pipeline/train/canonical-json.ts';
import { fitEnsemble, predictEnsemble, stackingRow, LOG_PROBABILITY_FLOOR } from '../../pipeline/train/ensemble.ts';
import { seededGroupFolds } from '../../pipeline/train/folds.ts';
import { LEXICON_COLUMNS, lexiconColumnsOf } from '../../pipeline/train/lexicon-features.ts';
import { LEXICON_COLUMN_SPEC } from '../../pipeline/train/artifact.ts';
import { parseLexiconFile } from '../../pipeline/lexicon/lexicon-file.ts';
import { predict, predictLabels } from '../../pipeline/train/predict.ts';
import { fitVocabulary, tfidfVectorizer } from '../../pipeline/train/text-features.ts';
import { trainModel, type TrainingItem } from '../../pipeline/train/train.ts';
import type { AxisLabelProbabilities } from '../../pipeline/train/predict.ts';

const AXIS = { slug: 'sec', poles: ['security', 'rights'] as [string, string] };
const LABELS = ['security', 'rights', 'neutral', 'irrelevant'];

/** A toy set in which one word gives the label away, in 12 documents of 2 passages. */
function toySet(): TrainingItem[] {
  const words: Record<string, string> = { security: 'cybercrime threats', rights: 'freedom expression', neutral: 'balance both', irrelevant: 'weather football' };
  return Array.from({ length: 24 }, (_, i) => {
    const label = LABELS[i % 4] as string;
    return { id: `t${i}`, doc: `d${Math.floor(i / 2)}`, text: `passage ${i} on ${words[label]} today`, labels: { sec: label } };
  });
}

const OPTIONS = { name: 'toy', split: 'dev' as const, seed: 1, cGrid: [0.1, 10], folds: 3, minDf: 2, tfidfLength: 2 };

describe('TF-IDF features', () => {
  it('keeps n-grams in at least min_df texts, sorted, with idf ln((1 + n) / (1 + df)) + 1', () => {
    const vocab = fitVocabulary(['b a', 'a c', 'a b'], 2);
    // "a" in 3 texts, "b" in 2; "c", "b a", "a c", "a b" in 1 only.
    expect(vocab.map((e) => e.term)).toEqual(['a', 'b']);
    expect(vocab[0]?.idf).toBeCloseTo(Math.log(4 / 4) + 1, 12);
    expect(vocab[1]?.idf).toBeCloseTo(Math.log(4 / 3) + 1, 12);
  });

  it('weights terms by (1 + ln tf) * idf and scales the row to length 1', () => {
    const vec = tfidfVectorizer([
      { term: 'a', idf: 1 },
      { term: 'b', idf: 2 },
    ]);
    const row = vec.vectorize('a a b unknown');
    const wa = 1 + Math.log(2);
    const wb = 2;
    const norm = Math.hypot(wa, wb);
    expect(row.indices).toEqual([0, 1]);
    expect(row.values[0]).toBeCloseTo(wa / norm, 12);
    expect(row.values[1]).toBeCloseTo(wb / norm, 12);
    expect(vec.vectorize('nothing known')).toEqual({ indices: [], values: [] });
  });

  it('scales the row to the length asked for (the TF-IDF part of a model row)', () => {
    const row = tfidfVectorizer([{ term: 'a', idf: 1 }, { term: 'b', idf: 2 }], 2).vectorize('a a b');
    // The same direction as above, twice as long: 2 * (1 + ln 2, 2) / |(1 + ln 2, 2)|.
    const norm = Math.hypot(1 + Math.log(2), 2);
    expect(row.values[0]).toBeCloseTo((2 * (1 + Math.log(2))) / norm, 12);
    expect(row.values[1]).toBeCloseTo((2 * 2) / norm, 12);
    expect(Math.hypot(...row.values)).toBeCloseTo(2, 12);
  });
});

describe('grouped folds', () => {
  it('keeps every document in one fold, uses every fold, and depends on the seed', () => {
    const groups = Array.from({ length: 30 }, (_, i) => `d${i % 10}`);
    const folds = seededGroupFolds(groups, 5, 3);
    groups.forEach((g, i) => expect(folds[i]).toBe(folds[groups.indexOf(g)]));
    expect(new Set(folds).size).toBe(5);
    expect(seededGroupFolds(groups, 5, 3)).toEqual(folds);
    expect(seededGroupFolds(groups, 5, 4)).not.toEqual(folds);
    expect(() => seededGroupFolds(['a', 'a'], 2, 1)).toThrow(/cannot make 2 folds from 1 document/);
  });
});

describe('trainModel and predict', () => {
  const items = toySet();
  const artifact = trainModel(items, [AXIS], OPTIONS);

  it('learns the words that give the labels away, with probabilities over the four labels', () => {
    const texts = ['new cybercrime threats', 'freedom of expression matters', 'football weather report'];
    expect(predictLabels(artifact, texts).map((p) => p.sec)).toEqual(['security', 'rights', 'irrelevant']);
    for (const p of predict(artifact, texts)) {
      expect(Object.keys(p.sec ?? {})).toEqual(LABELS);
      expect(Object.values(p.sec ?? {}).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('records the cross-validation of every C and picks the best one', () => {
    const [axis] = artifact.axes;
    expect(axis?.cross_validation.map((p) => p.c)).toEqual([0.1, 10]);
    const best = Math.max(...(axis?.cross_validation.map((p) => p.macro_f1 ?? -1) ?? []));
    expect(axis?.cross_validation.find((p) => p.c === axis.c)?.macro_f1).toBe(best);
    expect(artifact.training).toMatchObject({ n_items: 24, n_documents: 12, folds: 3, split: 'dev', seed: 1 });
    expect(artifact.features.lexicon).toBeNull();
    expect(artifact.features.tfidf_length).toBe(2);
  });

  it('gives the same bytes for the same data in another order, and another version for other data', () => {
    const again = trainModel([...items].reverse(), [AXIS], OPTIONS);
    // The training-set hash is over the items in order, so only it may differ; the model itself may not.
    expect(again.vocabulary).toEqual(artifact.vocabulary);
    expect(serializeArtifact(trainModel(items, [AXIS], OPTIONS))).toBe(serializeArtifact(artifact));
    const other = trainModel(items.slice(0, 20), [AXIS], OPTIONS);
    expect(other.version).not.toBe(artifact.version);
    // The TF-IDF row length is part of the feature spec: another length, another version.
    expect(trainModel(items, [AXIS], { ...OPTIONS, tfidfLength: 1 }).version).not.toBe(artifact.version);
  });

  it('adds lexicon columns that carry the weighted terms and the negation rule into the artifact', () => {
    const lexicon = parseLexiconFile(
      { negation: { cues: ['not'], window: 2 }, smoothing: 1, relevance_scale: 0.02, min_words: 5, axes: { sec: { poles: { security: [{ term: 'threats', weight: 2 }], rights: ['freedom'] } } } },
      'test',
    );
    const withLexicon = trainModel(items, [AXIS], { ...OPTIONS, lexicon });
    expect(withLexicon.axes[0]?.keywords).toEqual([[['threats', 2]], [['freedom', 1]]]);
    expect(withLexicon.axes[0]?.weights[0]).toHaveLength(withLexicon.vocabulary.length + LEXICON_COLUMNS + 1);
    expect(withLexicon.features.lexicon).toEqual({ columns: LEXICON_COLUMN_SPEC, lexicon_version: lexicon.version, negation: { cues: ['not'], window: 2 } });
  });

  it('computes the lexicon columns with the lexicon matcher: weights and negation window', () => {
    const columns = lexiconColumnsOf({ poles: [[{ term: 'threats', weight: 2 }], [{ term: 'freedom', weight: 1 }]], negation: { cues: ['not'], window: 2 } });
    // "threats" (weight 2) counts for pole A; "not freedom" is negated, so pole B gets nothing from it.
    expect(columns('threats everywhere and not freedom for all')).toEqual([Math.log1p(2), 0]);
    expect(columns('threats and freedom, Threats again')).toEqual([Math.log1p(4), Math.log1p(1)]);
    expect(columns('nothing on the topic')).toEqual([0, 0]);
  });

  it('round-trips through JSON, whatever the key order (as Postgres jsonb stores it)', () => {
    const text = serializeArtifact(artifact);
    const reordered = JSON.parse(JSON.stringify(JSON.parse(text), (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    )) as unknown;
    expect(serializeArtifact(parseArtifact(reordered, 'x'))).toBe(text);
  });

  it('refuses an edited artifact and a file that is not one, saying what to do', () => {
    const edited = JSON.parse(serializeArtifact(artifact)) as TrainedArtifact;
    (edited.axes[0] as { c: number }).c = 99;
    expect(() => parseArtifact(edited, 'm.json')).toThrow(/m\.json: version "[0-9a-f]{12}" does not match the content/);
    expect(() => parseArtifact({ hello: 1 }, 'other.json')).toThrow(ArtifactError);
    expect(() => parseArtifact({ hello: 1 }, 'other.json')).toThrow(/stance train/);
  });

  it('adds embedding columns when given embeddings, and then needs them to predict', () => {
    // A 2-d "embedding" that points one way for security passages and the other way otherwise.
    const vectors = items.map((i) => (i.labels.sec === 'security' ? [1, 0] : [0, 1]));
    const withEmbeddings = trainModel(items, [AXIS], { ...OPTIONS, embeddings: { model: 'real-model:fp32:abc', vectors } });
    expect(withEmbeddings.features.embedding).toEqual({ model: 'real-model:fp32:abc', dimension: 2 });
    expect(withEmbeddings.axes[0]?.weights[0]).toHaveLength(withEmbeddings.vocabulary.length + 2 + 1);
    expect(() => predict(withEmbeddings, ['x'])).toThrow(/uses embeddings: need one per text/);
    // A passage with no known word is placed by its embedding alone.
    expect(predictLabels(withEmbeddings, ['zzz'], [[1, 0]])[0]?.sec).toBe('security');
  });

  it('refuses a set with one document (no cross-validation possible)', () => {
    expect(() => trainModel(items.map((i) => ({ ...i, doc: 'one' })), [AXIS], OPTIONS)).toThrow(/at least 2 documents/);
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every level and keeps arrays of values on one line', () => {
    expect(canonicalJson({ b: [1, 2], a: { d: -0, c: 'x' } })).toBe('{\n  "a": {\n    "c": "x",\n    "d": 0\n  },\n  "b": [1, 2]\n}\n');
  });
});

describe('ensemble', () => {
  it('builds the stacker row from floored log probabilities, member after member', () => {
    const row = stackingRow([{ sec: { security: 1, rights: 0, neutral: 0, irrelevant: 0 } }, { sec: { security: 0.5, rights: 0.5, neutral: 0, irrelevant: 0 } }], AXIS, [
      { name: 'm1', version: '1' },
      { name: 'm2', version: '1' },
    ]);
    const floor = Math.log(LOG_PROBABILITY_FLOOR);
    expect(row.values).toEqual([0, floor, floor, floor, Math.log(0.5), Math.log(0.5), floor, floor]);
  });

  it('learns to trust the informative member over a noisy one', () => {
    const items = toySet();
    const oneHot = (label: string): AxisLabelProbabilities => ({ sec: Object.fromEntries(LABELS.map((l) => [l, l === label ? 0.9 : 0.1 / 3])) });
    // Member "good" is right on every item; member "noise" says rights whatever the passage.
    const good = items.map((i) => oneHot(i.labels.sec as string));
    const noise = items.map(() => oneHot('rights'));
    const members = [
      { name: 'noise', version: 'n1' },
      { name: 'good', version: 'g1' },
    ];
    const ensemble = fitEnsemble({ name: 'ens', members, items, outOfFold: [noise, good], axes: [AXIS], seed: 2, cGrid: [0.1, 1, 10], folds: 3 });
    expect(ensemble.members).toEqual(members);
    expect(Math.max(...(ensemble.axes[0]?.cross_validation.map((p) => p.macro_f1 ?? 0) ?? []))).toBe(1);
    const probs = predictEnsemble(ensemble, [[oneHot('rights'), oneHot('rights')], [oneHot('security'), oneHot('irrelevant')]]);
    const top = (p: Record<string, number> | undefined) => Object.entries(p ?? {}).sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(probs.map((p) => top(p.sec))).toEqual(['security', 'irrelevant']);
    expect(parseArtifact(JSON.parse(serializeArtifact(ensemble)), 'ens').version).toBe(ensemble.version);
    expect(() => predictEnsemble(ensemble, [noise])).toThrow(/has 2 members \(noise, good\) but got 1/);
  });
});
