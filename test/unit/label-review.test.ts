import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { disagreements, recordReviewerLabel, reviewerFile, ReviewInputError } from '../../app/label-review.ts';
import { parseGoldSet, type GoldItem } from '../../eval/gold-set.ts';
import { toEvalAxis } from '../../app/eval-run.ts';
import { FIXTURE_AXES } from '../helpers/score-fixture.ts';

const item = (id: string, gov: string, sec: string): GoldItem => ({ id, text: `text of ${id}`, source: 'S', doc: 'd.txt', labels: { gov, sec }, split: 'dev', line: 1 });
const row = (label: string, probA: number, probB: number, relevance: number) => ({ label, probA, probB, relevance, score: probB - probA });

const items = [item('a', 'state', 'rights'), item('b', 'multi', 'security'), item('c', 'neutral', 'irrelevant')];
// lexicon: agrees on a, disagrees on b (gov) and c (both axes).
const scores = {
  lexicon: [
    [row('state', 0.8, 0.1, 0.9), row('rights', 0.1, 0.7, 0.8)],
    [row('state', 0.6, 0.2, 0.7), row('security', 0.6, 0.1, 0.6)],
    [row('multi', 0.1, 0.5, 0.6), row('rights', 0.1, 0.4, 0.5)],
  ],
  other: [
    [row('state', 0.8, 0.1, 0.9), row('neutral', 0.3, 0.3, 0.8)],
    [row('multi', 0.2, 0.6, 0.7), row('security', 0.6, 0.1, 0.6)],
    [row('neutral', 0.3, 0.3, 0.6), row('irrelevant', 0.1, 0.1, 0.1)],
  ],
};

describe('disagreements', () => {
  it('lists the items where the chosen scorer and gold differ, with the axes, in set order', () => {
    const d = disagreements(FIXTURE_AXES, items, scores, 'lexicon');
    expect(d.map((x) => [x.item.id, x.axes])).toEqual([
      ['b', ['gov']],
      ['c', ['gov', 'sec']],
    ]);
    // Every scorer's view is there, with label probabilities summing to 1.
    expect(Object.keys(d[0]?.views ?? {})).toEqual(['lexicon', 'other']);
    expect(d[0]?.views['other']?.['gov']?.label).toBe('multi');
    const p = d[0]?.views['lexicon']?.['gov']?.probabilities ?? {};
    expect(Object.values(p).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 10);
  });

  it("shows a trained scorer's own label probabilities, as eval checks them, and derives the others'", () => {
    const own = { state: 0.7, multi: 0.1, neutral: 0.15, irrelevant: 0.05 };
    const trained = scores.other.map((r, i) => (i === 1 ? [{ ...r[0]!, label: 'state', details: { label_probabilities: own } }, r[1]!] : r));
    const d = disagreements(FIXTURE_AXES, items, { ...scores, 'trained:x': trained }, 'lexicon');
    expect(d[0]?.item.id).toBe('b');
    expect(d[0]?.views['trained:x']?.['gov']?.probabilities).toEqual(own);
    // Without details the distribution comes from the pole probabilities: b's gov row of "other" is (0.2, 0.6, relevance 0.7).
    const derived = d[0]?.views['other']?.['gov']?.probabilities ?? {};
    expect(derived['irrelevant']).toBeCloseTo(0.3, 10);
    expect(derived['multi']).toBeCloseTo(0.7 * 0.5, 10);
    expect(derived['state']).toBe(0);
  });

  it('filters by axis, gold label and the scorer\'s label', () => {
    expect(disagreements(FIXTURE_AXES, items, scores, 'lexicon', { axis: 'sec' }).map((x) => x.item.id)).toEqual(['c']);
    expect(disagreements(FIXTURE_AXES, items, scores, 'lexicon', { axis: 'gov', gold: 'multi' }).map((x) => x.item.id)).toEqual(['b']);
    expect(disagreements(FIXTURE_AXES, items, scores, 'lexicon', { axis: 'gov', predicted: 'multi' }).map((x) => x.item.id)).toEqual(['c']);
    // The other scorer agrees with gold everywhere but on a's sec label.
    expect(disagreements(FIXTURE_AXES, items, scores, 'other').map((x) => [x.item.id, x.axes])).toEqual([['a', ['sec']]]);
  });
});

describe('recordReviewerLabel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stance-review-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a tagging file in the gold format, replacing an item\'s line when it is labelled again', () => {
    const file = reviewerFile(dir, 'gold.jsonl', 'ann_2');
    expect(file).toBe(join(dir, 'gold.ann_2.jsonl'));
    recordReviewerLabel({ file, goldFile: join(dir, 'gold.jsonl'), item: items[0] as GoldItem, axes: FIXTURE_AXES, labels: { gov: 'multi', sec: 'rights' }, note: 'first' });
    recordReviewerLabel({ file, goldFile: join(dir, 'gold.jsonl'), item: items[1] as GoldItem, axes: FIXTURE_AXES, labels: { gov: 'neutral', sec: 'security' } });
    recordReviewerLabel({ file, goldFile: join(dir, 'gold.jsonl'), item: items[0] as GoldItem, axes: FIXTURE_AXES, labels: { gov: 'state', sec: 'rights' } });
    const parsed = parseGoldSet(readFileSync(file, 'utf8'), file, FIXTURE_AXES.map(toEvalAxis));
    expect(parsed.map((i) => [i.id, i.labels, i.note, i.text, i.split])).toEqual([
      ['a', { gov: 'state', sec: 'rights' }, undefined, 'text of a', 'dev'],
      ['b', { gov: 'neutral', sec: 'security' }, undefined, 'text of b', 'dev'],
    ]);
  });

  it('refuses a label that is not the axis\'s, a missing axis, a bad reviewer name, and the gold file itself', () => {
    const file = join(dir, 'x.jsonl');
    const base = { file, goldFile: join(dir, 'gold.jsonl'), item: items[0] as GoldItem, axes: FIXTURE_AXES };
    expect(() => recordReviewerLabel({ ...base, labels: { gov: 'rights', sec: 'rights' } })).toThrow(/gov must be one of state, multi, neutral, irrelevant; got "rights"/);
    expect(() => recordReviewerLabel({ ...base, labels: { gov: 'state' } })).toThrow(/sec must be one of/);
    expect(() => recordReviewerLabel({ ...base, goldFile: file, labels: { gov: 'state', sec: 'rights' } })).toThrow(ReviewInputError);
    expect(() => reviewerFile(dir, 'gold.jsonl', '../x')).toThrow(/reviewer names/);
  });
});
