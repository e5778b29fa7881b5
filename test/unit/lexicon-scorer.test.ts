import { describe, expect, it } from 'vitest';
import { parseAxes } from '../../pipeline/axes.ts';
import { LexiconFileError, parseLexiconFile } from '../../pipeline/lexicon/lexicon-file.ts';
import { negatedBy, termMatcher } from '../../pipeline/lexicon/match.ts';
import { lexiconAxisScorer, lexiconScoreFromHits } from '../../pipeline/lexicon/score.ts';

const [AXIS] = parseAxes(
  {
    axes: [
      {
        slug: 'x_axis',
        label: 'X',
        poles: [
          { slug: 'sec', label: 'Security', hypotheses: ['Security first.'] },
          { slug: 'rts', label: 'Rights', hypotheses: ['Rights first.'] },
        ],
        thresholds: { relevance: 0.5, margin: 0.15 },
      },
    ],
  },
  'test axes',
);

const CUES = ['not', 'no', 'without', 'never', 'rather than', 'instead of'];

function lexicon(overrides: Record<string, unknown> = {}, poles: Record<string, unknown> = {}) {
  return parseLexiconFile(
    {
      negation: { cues: CUES, window: 3 },
      smoothing: 1,
      relevance_scale: 0.02,
      min_words: 20,
      axes: {
        x_axis: {
          poles: {
            sec: ['security', 'national security', { term: 'cybercrime', weight: 2 }],
            rts: ['human rights', 'privacy', 'rights'],
            ...poles,
          },
        },
      },
      ...overrides,
    },
    'test lexicon',
  );
}

const matcher = (lex = lexicon()) => {
  const entry = lex.axes.x_axis!;
  return termMatcher([entry.poles.sec!, entry.poles.rts!], lex.negation);
};
const terms = (text: string) => matcher()(text).map((h) => `${h.term}${h.negated ? '!' : ''}`);

describe('lexicon phrase matching', () => {
  it('matches whole words only, case-insensitively, across any whitespace', () => {
    expect(terms('securityx, xsecurity and cybersecurity')).toEqual([]);
    expect(terms('Security and HUMAN\n  RIGHTS')).toEqual(['security', 'human rights']);
  });

  it('takes the longest term at a place and does not count its parts again', () => {
    // "national security" is one hit, not also "security"; "human rights" is not also "rights".
    expect(terms('national security and human rights')).toEqual(['national security', 'human rights']);
    expect(terms('rights and security')).toEqual(['rights', 'security']);
  });
});

describe('lexicon negation window', () => {
  const cues = CUES.map((c) => c.split(' '));

  it('marks a term negated when a cue stands within the window before it', () => {
    expect(terms('this is not security')).toEqual(['security!']);
    expect(terms('growth without human rights')).toEqual(['human rights!']);
    expect(terms('rights rather than security')).toEqual(['rights', 'security!']);
    expect(terms('never about privacy')).toEqual(['privacy!']);
  });

  it('does not reach beyond the window or across a clause break', () => {
    // "not" is four words before "security": outside a window of 3.
    expect(terms('not a matter of any security')).toEqual(['security']);
    expect(terms('No, security comes first')).toEqual(['security']);
    expect(negatedBy('not at all; the', cues, 3)).toBe(false);
  });

  it('treats "not only" as no negation', () => {
    expect(terms('not only security but also privacy')).toEqual(['security', 'privacy']);
  });

  it('marks each hit negated exactly when negatedBy says so of the text before it (random texts)', () => {
    // The matcher finds clause breaks once per text; negatedBy is the definition it must agree with.
    const pieces = ['security', 'national security', 'privacy', 'human rights', 'rights', 'not', 'no', 'rather than', 'instead of', 'only', 'the', 'states', ',', ';', '.', '(', ')', '\u2014', 'never'];
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const cues = CUES.map((c) => c.split(' '));
    let negatedHits = 0;
    for (let n = 0; n < 300; n++) {
      const text = Array.from({ length: 5 + Math.floor(next() * 40) }, () => pieces[Math.floor(next() * pieces.length)]).join(' ');
      for (const hit of matcher()(text)) {
        expect(hit.negated, `${hit.term} at ${hit.start} in "${text}"`).toBe(negatedBy(text.slice(0, hit.start), cues, 3));
        if (hit.negated) negatedHits++;
      }
    }
    // Both outcomes occur, so agreement is not agreement on a constant.
    expect(negatedHits).toBeGreaterThan(50);
  });

  it('lets a cue of two words end inside the window even when it starts before it', () => {
    expect(negatedBy('we choose dialogue rather than', cues, 1)).toBe(true);
    expect(negatedBy('instead of the', cues, 1)).toBe(false);
  });

  it('drops negated hits from the poles but keeps them for relevance', () => {
    const score = lexiconAxisScorer(lexicon(), AXIS!);
    const plain = score('security');
    const negated = score('not security');
    expect(negated.probA).toBeCloseTo(0.5, 10);
    expect(negated.score).toBeCloseTo(0, 10);
    expect(negated.relevance).toBeCloseTo(plain.relevance, 10);
    expect(negated.details.terms).toEqual([{ term: 'security', pole: 'sec', weight: 1, count: 1, negated: 1 }]);
  });
});

describe('lexicon weights and smoothing', () => {
  it('gives pA = (wA + s) / (wA + wB + 2s) and relevance 1 - exp(-density / scale)', () => {
    // cybercrime weighs 2, privacy 1: wA = 2, wB = 1, s = 1 -> pA = 3/5.
    const hits = matcher()('cybercrime and privacy');
    const p = lexiconScoreFromHits(hits, 3, { smoothing: 1, relevanceScale: 0.02, minWords: 20 });
    expect(p.probA).toBeCloseTo(0.6, 10);
    expect(p.probB).toBeCloseTo(0.4, 10);
    // 3 words count as min_words = 20: density 3 / 20.
    expect(p.relevance).toBeCloseTo(1 - Math.exp(-(3 / 20) / 0.02), 10);
    // With s = 0.5: (2 + 0.5) / (3 + 1).
    expect(lexiconScoreFromHits(hits, 3, { smoothing: 0.5, relevanceScale: 0.02, minWords: 20 }).probA).toBeCloseTo(0.625, 10);
  });

  it('measures density over the words of a long text', () => {
    const text = `security ${'word '.repeat(99)}`;
    const s = lexiconAxisScorer(lexicon(), AXIS!)(text);
    expect(s.relevance).toBeCloseTo(1 - Math.exp(-(1 / 100) / 0.02), 10);
  });

  it('labels with the shared rule and the lexicon file\'s thresholds when it has them', () => {
    const score = lexiconAxisScorer(lexicon(), AXIS!);
    // One hit of weight 1 in a short text: pA = 2/3, score = -1/3, relevance ~1 -> the pole.
    const one = score('security');
    expect(one.score).toBeCloseTo(-1 / 3, 10);
    expect(one.label).toBe('sec');
    expect(score('security and privacy').label).toBe('neutral');
    expect(score('The recipe calls for two eggs.').label).toBe('irrelevant');
    const strict = parseLexiconFile(
      {
        negation: { cues: CUES, window: 3 },
        smoothing: 1,
        relevance_scale: 0.02,
        min_words: 20,
        axes: { x_axis: { thresholds: { relevance: 0.5, margin: 0.4 }, poles: { sec: ['security'], rts: ['privacy'] } } },
      },
      'strict',
    );
    // |score| = 1/3 is below the file's margin 0.4: neutral.
    expect(lexiconAxisScorer(strict, AXIS!)('security').label).toBe('neutral');
  });

  it('keeps the matched terms, heaviest first, with counts', () => {
    const s = lexiconAxisScorer(lexicon(), AXIS!)('privacy, cybercrime, privacy and privacy');
    expect(s.details.terms).toEqual([
      { term: 'privacy', pole: 'rts', weight: 1, count: 3, negated: 0 },
      { term: 'cybercrime', pole: 'sec', weight: 2, count: 1, negated: 0 },
    ]);
  });
});

describe('lexicon file', () => {
  it('has a version that changes with any weight, term or setting', () => {
    const base = lexicon().version;
    expect(lexicon().version).toBe(base);
    expect(lexicon({}, { rts: ['human rights', 'privacy', { term: 'rights', weight: 0.5 }] }).version).not.toBe(base);
    expect(lexicon({ smoothing: 2 }).version).not.toBe(base);
  });

  it('rejects a term listed under both poles, and bad weights, naming the place', () => {
    expect(() => lexicon({}, { rts: ['security'] })).toThrow(LexiconFileError);
    expect(() => lexicon({}, { rts: ['security'] })).toThrow(/term "security" is listed twice/);
    expect(() => lexicon({}, { rts: [{ term: 'privacy', weight: 0 }] })).toThrow(/axes\.x_axis\.poles\.rts\.0.*weights must be > 0|weights must be > 0/);
  });
});
