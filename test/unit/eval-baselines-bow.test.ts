import { describe, expect, it } from 'vitest';
import { bowBaseline, trainNaiveBayes } from '../../eval/baselines/naive-bayes.ts';
import { tokenize } from '../../eval/baselines/tokenize.ts';

describe('tokenize', () => {
  it('lowercases and keeps runs of Unicode letters and digits', () => {
    expect(tokenize('Civil-Society, 2024! Sécurité')).toEqual(['civil', 'society', '2024', 'sécurité']);
  });

  it('folds compatibility forms (NFKC) and keeps combining marks inside words', () => {
    expect(tokenize('ＩＣＡＮＮ ﬁle')).toEqual(['icann', 'file']);
    // Devanagari "हिन्दी" has vowel signs and a virama (marks): one token, not pieces.
    expect(tokenize('हिन्दी')).toEqual(['हिन्दी']);
  });

  it('adds space-joined bigrams when asked', () => {
    expect(tokenize('Civil society matters', { bigrams: true })).toEqual([
      'civil',
      'society',
      'matters',
      'civil society',
      'society matters',
    ]);
    expect(tokenize('one', { bigrams: true })).toEqual(['one']);
  });
});

describe('multinomial naive Bayes', () => {
  it('matches a hand computation of the posterior', () => {
    // Train: "good good" -> pos, "bad" -> neg. Vocabulary {good, bad}, smoothing 1.
    // P(good|pos) = (2 + 1) / (2 + 2) = 3/4; P(good|neg) = (0 + 1) / (1 + 2) = 1/3; priors 1/2.
    // "good": pos ~ 1/2 * 3/4 = 3/8, neg ~ 1/2 * 1/3 = 1/6 -> P(pos) = (9/24) / (9/24 + 4/24) = 9/13.
    const model = trainNaiveBayes(['good good', 'bad'], ['pos', 'neg']);
    const [p] = model.predictProba(['good']);
    expect(p?.pos).toBeCloseTo(9 / 13, 12);
    expect(p?.neg).toBeCloseTo(4 / 13, 12);
    expect(model.predict(['good'])).toEqual(['pos']);
  });

  const texts = [
    'cybercrime threatens critical infrastructure',
    'terrorists attack networks and spread malware',
    'criminal hackers attack banks',
    'privacy is a human right',
    'freedom of expression online must be protected',
    'surveillance violates privacy and freedom',
  ];
  const labels = ['security', 'security', 'security', 'rights', 'rights', 'rights'];

  it('learns a separable toy set and labels held-out texts', () => {
    const model = trainNaiveBayes(texts, labels, { bigrams: true });
    expect(model.predict(['hackers attack infrastructure with malware', 'protect freedom and privacy online'])).toEqual([
      'security',
      'rights',
    ]);
  });

  it('gives class probabilities that sum to 1, over the training classes in code-unit order', () => {
    const model = trainNaiveBayes(texts, labels);
    expect(model.classes).toEqual(['rights', 'security']);
    for (const p of model.predictProba(['attack on privacy', '', 'unknown words only'])) {
      expect(Object.keys(p)).toEqual(['rights', 'security']);
      expect((p.rights ?? 0) + (p.security ?? 0)).toBeCloseTo(1, 12);
    }
  });

  it('does not underflow on long texts', () => {
    const model = trainNaiveBayes(texts, labels);
    const [p] = model.predictProba([' attack malware'.repeat(2000)]);
    expect(p?.security).toBeCloseTo(1, 6);
    expect(Number.isFinite(p?.rights)).toBe(true);
  });

  it('breaks exact ties by code-unit order, not training order', () => {
    // Equal priors and no known token: posteriors are equal.
    const model = trainNaiveBayes(['x', 'y'], ['zeta', 'alpha']);
    expect(model.predict(['nothing known'])).toEqual(['alpha']);
    expect(model.predictProba(['nothing known'])).toEqual([{ alpha: 0.5, zeta: 0.5 }]);
  });

  it('validates its input and options', () => {
    expect(() => trainNaiveBayes([], [])).toThrow('training data is empty');
    expect(() => trainNaiveBayes(['a'], ['x'], { smoothing: 0 })).toThrow('smoothing must be a finite number > 0');
  });

  it('fits the Baseline shape under the name "bow"', () => {
    const baseline = bowBaseline();
    expect(baseline.name).toBe('bow');
    expect(baseline.train(texts, labels).predict(['malware attack'])).toEqual(['security']);
  });
});
