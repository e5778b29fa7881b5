import { describe, expect, it } from 'vitest';
import { readLexiconFile } from '../../eval/baselines/lexicon-file.ts';
import {
  axisKeywords,
  labelFromHits,
  lexiconBaseline,
  LexiconError,
  parseLexicon,
  poleHitCounter,
  type Lexicon,
} from '../../eval/baselines/lexicon.ts';

const AXIS = { slug: 'x_axis', poles: ['p', 'q'] } as const;
const LEXICON: Lexicon = {
  x_axis: {
    p: ['security', 'national security', 'non-interference'],
    q: ['human rights', 'Privacy'],
  },
};

function classify(text: string): string {
  const [label] = lexiconBaseline(LEXICON, AXIS).train([], []).predict([text]);
  return label as string;
}

describe('lexicon hit counting', () => {
  const count = poleHitCounter(axisKeywords(LEXICON, AXIS));

  it('matches whole words only, case-insensitively', () => {
    expect(count('securityx and xsecurity and cybersecurity')).toEqual([0, 0]);
    expect(count('Security, SECURITY; security.')).toEqual([3, 0]);
    // A letter outside ASCII is still a letter: no boundary before "é".
    expect(count('privacyé')).toEqual([0, 0]);
  });

  it('matches multi-word keywords across any whitespace, and hyphenated keywords as written', () => {
    expect(count('human\n   rights')).toEqual([0, 1]);
    expect(count('non-interference, but not noninterference')).toEqual([1, 0]);
  });

  it('counts a span once, for the longest keyword', () => {
    // "national security" is one hit, not also a hit for "security".
    expect(count('national security')).toEqual([1, 0]);
  });

  it('prefers the longer keyword when one extends another, even across poles', () => {
    const extended = poleHitCounter(axisKeywords({ x_axis: { p: ['data'], q: ['data protection'] } }, AXIS));
    expect(extended('data protection')).toEqual([0, 1]);
    expect(extended('data, protection')).toEqual([1, 0]);
  });
});

describe('lexicon labels', () => {
  it('follows the rule: more hits -> that pole, equal non-zero -> neutral, none -> irrelevant', () => {
    expect(classify('Security matters.')).toBe('p');
    expect(classify('Security, human rights and privacy.')).toBe('q'); // 1 vs 2
    expect(classify('National security and human rights.')).toBe('neutral'); // 1 vs 1
    expect(classify('The weather is fine; securityx.')).toBe('irrelevant'); // 0 vs 0
    expect(labelFromHits(AXIS, [2, 1])).toBe('p');
  });

  it('fails clearly for an axis without an entry, naming it', () => {
    expect(() => lexiconBaseline(LEXICON, { slug: 'missing_axis', poles: ['a', 'b'] })).toThrow(
      'lexicon has no entry for axis "missing_axis" (it has: x_axis)',
    );
  });

  it('rejects entries whose poles do not match the axis, or keywords under both poles', () => {
    expect(() => axisKeywords({ x_axis: { p: ['a'] } }, AXIS)).toThrow('has no keywords for pole "q"');
    expect(() => axisKeywords({ x_axis: { p: ['a'], q: ['b'], r: ['c'] } }, AXIS)).toThrow('unknown pole(s) r');
    expect(() => axisKeywords({ x_axis: { p: ['Both'], q: ['both '] } }, AXIS)).toThrow('under both poles: both');
  });

  it('validates lexicon JSON with the source in the message', () => {
    expect(parseLexicon({ a: { b: ['c'] } }, 'l.json')).toEqual({ a: { b: ['c'] } });
    expect(() => parseLexicon({ a: { b: ['  '] } }, 'l.json')).toThrow(LexiconError);
    expect(() => parseLexicon({ a: { b: ['  '] } }, 'l.json')).toThrow('l.json: a.b.0: keywords must not be blank');
    expect(() => parseLexicon([], 'l.json')).toThrow('l.json: (root)');
  });
});

describe('the shipped lexicon (config/lexicon.json)', () => {
  const lexicon = readLexiconFile();
  const sovereignty = { slug: 'sovereignty_multistakeholder', poles: ['sovereignty', 'multistakeholder'] } as const;
  const security = { slug: 'security_rights', poles: ['security', 'rights'] } as const;
  const predict = (axis: typeof sovereignty | typeof security, texts: string[]) =>
    lexiconBaseline(lexicon, axis).train([], []).predict(texts);

  it('labels clear sentences on both axes', () => {
    expect(
      predict(sovereignty, [
        'States must respect the sovereignty of member states and the principle of non-interference in internal affairs.',
        'Governance should be bottom-up, with civil society and all stakeholders at the table.',
        'The recipe calls for two eggs.',
      ]),
    ).toEqual(['sovereignty', 'multistakeholder', 'irrelevant']);
    expect(
      predict(security, [
        'Cybercrime and terrorism are grave threats to national security.',
        'Freedom of expression and privacy are human rights that apply online.',
        'The recipe calls for two eggs.',
      ]),
    ).toEqual(['security', 'rights', 'irrelevant']);
  });

  it('fails with a LexiconError for a file that is not there, keeping the cause', () => {
    try {
      readLexiconFile('/nonexistent/lexicon.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LexiconError);
      expect((error as Error).message).toContain('cannot read the lexicon file /nonexistent/lexicon.json');
      expect((error as Error).cause).toBeDefined();
    }
  });
});
