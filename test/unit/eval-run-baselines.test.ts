import { describe, expect, it } from 'vitest';
import { baselinePredictions, itemGroup } from '../../eval/baseline-predictions.ts';
import type { GoldItem } from '../../eval/gold-set.ts';

const AXIS = { slug: 'security_rights', poles: ['security', 'rights'] } as const;
const LEXICON = { security_rights: { security: ['cybercrime'], rights: ['privacy'] } };

let line = 0;
const item = (id: string, split: 'dev' | 'test', doc: string | undefined, text: string, label: string): GoldItem => ({
  id,
  text,
  source: 's',
  ...(doc !== undefined && { doc }),
  labels: { security_rights: label },
  split,
  line: ++line,
});

// Each document speaks of one thing, so a model that sees a document's own passages in
// training could not be told apart from one that generalises; the grouping keeps them out.
const DEV = [
  item('d1', 'dev', 'docA', 'cybercrime cybercrime police', 'security'),
  item('d2', 'dev', 'docA', 'cybercrime police', 'security'),
  item('d3', 'dev', 'docB', 'privacy privacy rights', 'rights'),
  item('d4', 'dev', 'docB', 'privacy rights', 'rights'),
  item('d5', 'dev', 'docC', 'cybercrime police courts', 'security'),
  item('d6', 'dev', 'docD', 'privacy rights courts', 'rights'),
];
const TEST = [item('t1', 'test', 'docT', 'police police', 'security'), item('t2', 'test', undefined, 'weather today', 'irrelevant')];

describe('baselinePredictions', () => {
  it('predicts test items with models trained on all of dev', () => {
    const { predictions, notes } = baselinePredictions(AXIS, TEST, DEV, LEXICON);
    expect(notes).toEqual([]);
    expect(Object.keys(predictions)).toEqual(['majority', 'lexicon', 'bow']);
    // dev has 3 security and 3 rights: the tie goes to the label first in code-unit order.
    expect(predictions.majority).toEqual(['rights', 'rights']);
    expect(predictions.lexicon).toEqual(['irrelevant', 'irrelevant']);
    expect(predictions.bow?.[0]).toBe('security');
  });

  it('predicts dev items out of fold, grouped by document', () => {
    const { predictions } = baselinePredictions(AXIS, DEV, DEV, LEXICON);
    // Folds over 4 documents: when docA (security) is held out, the training data hold 1
    // security and 2 rights items, so the majority baseline says rights for docA's passages.
    expect(predictions.majority?.slice(0, 2)).toEqual(['rights', 'rights']);
    expect(predictions.lexicon).toEqual(['security', 'security', 'rights', 'rights', 'security', 'rights']);
    expect(predictions.bow).toHaveLength(6);
  });

  it('leaves out what cannot run, saying why', () => {
    const noDev = baselinePredictions(AXIS, TEST, [], LEXICON);
    expect(Object.keys(noDev.predictions)).toEqual(['lexicon']);
    expect(noDev.notes.join('\n')).toMatch(/majority baseline left out.*no dev items[^]*bow baseline left out/);
    const oneDoc = DEV.filter((i) => i.doc === 'docA');
    expect(baselinePredictions(AXIS, oneDoc, oneDoc, LEXICON).notes[0]).toMatch(/needs at least 2 documents/);
    const noLexicon = baselinePredictions(AXIS, TEST, DEV, {});
    expect(Object.keys(noLexicon.predictions)).toEqual(['majority', 'bow']);
    expect(noLexicon.notes[0]).toMatch(/lexicon baseline left out on security_rights/);
  });

  it('groups an item without a document by its own id', () => {
    expect(itemGroup(TEST[1]!)).toBe('id:t2');
    expect(itemGroup(TEST[0]!)).toBe('docT');
  });
});
