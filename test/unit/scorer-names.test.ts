import { describe, expect, it } from 'vitest';
import { scorerByName, SCORERS } from '../../app/scorers/index.ts';
import { knownScorerNames, parseScorerName, ScorerNameError } from '../../app/scorers/names.ts';
import type { ScorerDescriptor } from '../../app/scorers/types.ts';

// The plain kinds plus a parameterised kind: only the fields parsing reads matter here.
const trained = { ...SCORERS.find((s) => s.kind === 'lexicon'), kind: 'trained', parameterised: true } as ScorerDescriptor;
const withTrained = [...SCORERS.filter((s) => !s.parameterised), trained];

describe('scorer names', () => {
  it('knows the kinds of the registry', () => {
    expect(SCORERS.map((s) => s.kind)).toEqual(['nli', 'prototype', 'lexicon', 'trained', 'ensemble']);
    expect(SCORERS.filter((s) => s.parameterised).map((s) => s.kind)).toEqual(['trained', 'ensemble']);
    for (const kind of ['nli', 'prototype', 'lexicon']) expect(scorerByName(kind).ref).toEqual({ name: kind, kind, param: undefined });
  });

  it('rejects an unknown scorer with a message listing the known ones', () => {
    expect(() => scorerByName('bogus')).toThrow(ScorerNameError);
    expect(() => scorerByName('bogus')).toThrow('unknown scorer "bogus"; known scorers: nli, prototype, lexicon, trained:<name>, ensemble:<name>');
  });

  it('parses parameterised names and requires the name', () => {
    expect(parseScorerName('trained:dev-2', withTrained).ref).toEqual({ name: 'trained:dev-2', kind: 'trained', param: 'dev-2' });
    expect(() => parseScorerName('trained', withTrained)).toThrow(/needs a name: trained:<name>/);
    expect(() => parseScorerName('trained:bad name', withTrained)).toThrow(/1-64 letters/);
    expect(knownScorerNames(withTrained)).toBe('nli, prototype, lexicon, trained:<name>');
  });

  it('rejects a name on a plain kind', () => {
    expect(() => scorerByName('nli:big')).toThrow(/scorer "nli" takes no name/);
  });
});
