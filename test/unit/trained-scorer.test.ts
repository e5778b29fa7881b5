import { describe, expect, it } from 'vitest';
import { rankByPreference } from '../../app/scorers/index.ts';
import { recordedDevMacroF1, rowFromProbabilities } from '../../app/scorers/trained.ts';
import type { ScorerDescriptor, ScorerRef } from '../../app/scorers/types.ts';
import type { Db } from '../../db/client.ts';
import type { Axis } from '../../pipeline/axes.ts';

const AXIS = { slug: 'sec', poles: [{ slug: 'security' }, { slug: 'rights' }] } as unknown as Axis;

describe('a trained model\'s score row', () => {
  it('takes the pole probabilities, score = pB - pA, relevance = 1 - P(irrelevant), and the most probable label', () => {
    const row = rowFromProbabilities(AXIS, { security: 0.1, rights: 0.3, neutral: 0.35, irrelevant: 0.25 });
    expect(row.probA).toBe(0.1);
    expect(row.probB).toBe(0.3);
    expect(row.score).toBeCloseTo(0.2, 12);
    expect(row.relevance).toBeCloseTo(0.75, 12);
    // Neutral is the most probable of the four, though rights leads security: no thresholds.
    expect(row.label).toBe('neutral');
    expect(row.details).toEqual({ label_probabilities: { security: 0.1, rights: 0.3, neutral: 0.35, irrelevant: 0.25 } });
    expect(rowFromProbabilities(AXIS, { security: 0.7, rights: 0.1, neutral: 0.1, irrelevant: 0.1 }, { member_labels: { lexicon: 'security' } })).toMatchObject({
      label: 'security',
      details: { member_labels: { lexicon: 'security' } },
    });
  });

  it('reads the recorded dev cross-validated macro-F1 at the chosen C, averaged over axes', () => {
    const artifact = { axes: [{ c: 1, cross_validation: [{ c: 0.1, macro_f1: 0.9 }, { c: 1, macro_f1: 0.5 }] }, { c: 0.1, cross_validation: [{ c: 0.1, macro_f1: 0.7 }] }] };
    expect(recordedDevMacroF1(artifact as never)).toBeCloseTo(0.6, 12);
    expect(recordedDevMacroF1({ axes: [{ c: 1, cross_validation: [] }] } as never)).toBeUndefined();
  });
});

describe('the default scorer', () => {
  const scorer = (kind: string, needsModels: string[], f1?: number) => ({
    ref: { name: kind, kind, param: undefined } as ScorerRef,
    descriptor: { kind, needsModels, devMacroF1: f1 === undefined ? undefined : async () => f1 } as unknown as ScorerDescriptor,
  });

  it('prefers the transformer scorers, then the model-free ones by recorded dev CV macro-F1, the lexicon (none recorded) last', async () => {
    const ranked = await rankByPreference({} as Db, [scorer('nli', ['nli']), scorer('lexicon', []), scorer('trained:a', [], 0.6), scorer('ensemble:b', [], 0.65), scorer('prototype', ['embedding'])]);
    expect(ranked.map((s) => s.ref.name)).toEqual(['nli', 'prototype', 'ensemble:b', 'trained:a', 'lexicon']);
    const offline = await rankByPreference({} as Db, [scorer('lexicon', []), scorer('trained:a', [], 0.6)]);
    expect(offline[0]?.ref.name).toBe('trained:a');
  });
});
