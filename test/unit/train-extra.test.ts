import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toEvalAxis } from '../../app/eval-run.ts';
import { trainedMember } from '../../app/ensemble-members.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import { parseGoldSet } from '../../eval/gold-set.ts';
import { repoPath } from '../helpers/paths.ts';
import { extraItemProblems, passagesOverlap } from '../../app/train-extra.ts';
import type { GoldItem } from '../../eval/gold-set.ts';
import { crossValidatedEstimate } from '../../pipeline/train/cross-validate.ts';
import { trainingFolds, trainModel, type TrainingItem } from '../../pipeline/train/train.ts';
import { seededGroupFolds } from '../../pipeline/train/folds.ts';

const LABELS = { sm: 'irrelevant' };
const item = (id: string, text: string, doc: string | undefined, split: 'dev' | 'test' = 'dev'): GoldItem => ({ id, text, source: 's', ...(doc !== undefined && { doc }), labels: LABELS, split, line: 1 });

const SET: GoldItem[] = [
  item('g1', 'States should make the rules of the Internet. Nobody else should decide them.', 'dev-doc'),
  item('g2', 'The forum met in Geneva last week with many delegates present.', 'dev-doc'),
  item('g3', 'The multistakeholder model has served the Internet well for decades.', 'test-doc', 'test'),
];
const file = () => 'extra.jsonl';

describe('extra training items: what is refused', () => {
  it('accepts a new passage of a dev document, also when it shares a phrase with a gold passage', () => {
    expect(extraItemProblems([item('x1', 'States should make the rules of trade in goods, said the minister on Monday.', 'dev-doc')], SET, 'dev', file)).toEqual([]);
  });

  it('refuses an item of the test split and an item from a document of the test split', () => {
    const problems = extraItemProblems([item('x1', 'A new passage about something else entirely here.', 'other-doc', 'test'), item('x2', 'Another new passage that is not in the set.', 'test-doc')], SET, 'dev', file);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/extra\.jsonl:1 \(x1\): split "test"/);
    expect(problems[1]).toMatch(/\(x2\): document test-doc is in the test split/);
  });

  it('refuses an item without a document, and an id the set or another extra item already has', () => {
    const problems = extraItemProblems([item('x1', 'A passage with no document given at all.', undefined), item('g2', 'Fresh text number one for the id check.', 'dev-doc'), item('x3', 'Fresh text number two for the id check.', 'd'), item('x3', 'Fresh text number three for the id check.', 'd')], SET, 'dev', file);
    expect(problems.map((p) => p.replace(/^.*?\): /, ''))).toEqual([
      'no "doc": an extra item needs its document, to check its split and to share its document\'s folds',
      'id g2 is already an id of the set',
      'id x3 is also used by extra.jsonl:1 (x3)',
    ]);
  });

  it('refuses a duplicate of a gold passage: the same text, whatever case, spacing and punctuation', () => {
    const problems = extraItemProblems([item('x1', 'the forum met in  Geneva last week, with many delegates present', 'dev-doc')], SET, 'dev', file);
    expect(problems).toEqual(['extra.jsonl:1 (x1): its text repeats g2 of the set (the same passage, one inside the other, or a shared sentence)']);
  });

  it('refuses a re-cut of gold text: a sentence of a gold passage, a passage that holds one, and a test passage too', () => {
    const cut = item('x1', 'Nobody else should decide them.', 'dev-doc');
    const joined = item('x2', 'A new opening sentence of the new passage here. States should make the rules of the Internet.', 'dev-doc');
    const test = item('x3', 'The multistakeholder model has served the Internet well for decades.', 'fresh-doc');
    const problems = extraItemProblems([cut, joined, test], SET, 'dev', file);
    expect(problems.map((p) => p.match(/repeats (\S+)/)?.[1])).toEqual(['g1', 'g1', 'g3']);
  });

  it('refuses two extra items with the same text', () => {
    const problems = extraItemProblems([item('x1', 'One fresh passage that repeats itself here.', 'd'), item('x2', 'One fresh passage that repeats itself here.', 'd')], SET, 'dev', file);
    expect(problems).toEqual(['extra.jsonl:1 (x2): its text repeats extra.jsonl:1 (x1) (the same passage, one inside the other, or a shared sentence)']);
  });

  it('accepts the shipped eval/train-extra.jsonl against eval/gold.jsonl: dev documents only, no gold passage repeated', () => {
    const axes = loadAxesFile().map(toEvalAxis);
    const read = (f: string) => parseGoldSet(readFileSync(repoPath(f), 'utf8'), f, axes);
    const extra = read('eval/train-extra.jsonl');
    expect(extra.length).toBeGreaterThan(0);
    expect(extraItemProblems(extra, read('eval/gold.jsonl'), 'dev', () => 'eval/train-extra.jsonl')).toEqual([]);
    expect(extra.every((i) => i.annotator !== undefined && /^SM [a-z]+: .+; SR [a-z]+: .+/.test(i.note ?? ''))).toBe(true);
  });

  it('compares whole words: a passage is not inside another because its letters are', () => {
    expect(passagesOverlap('rights', 'copyrights matter')).toBe(false);
    expect(passagesOverlap('Ladies and gentlemen.', 'Ladies and gentlemen. We meet today.')).toBe(true);
    // Short sentences shared by chance do not make two passages the same.
    expect(passagesOverlap('Thank you. The first point is new.', 'Thank you. The second point differs.')).toBe(false);
  });
});

/** Twelve documents of two passages, one word gives the label away; plus train-only items. */
const AXIS = { slug: 'sm', poles: ['sovereignty', 'multistakeholder'] as [string, string] };
const WORDS: Record<string, string> = { sovereignty: 'states decide', multistakeholder: 'stakeholders decide', neutral: 'mandate process', irrelevant: 'weather football' };
const LABEL_ORDER = ['sovereignty', 'multistakeholder', 'neutral', 'irrelevant'];
function toySet(): TrainingItem[] {
  return Array.from({ length: 24 }, (_, i) => {
    const label = LABEL_ORDER[i % 4] as string;
    return { id: `t${i}`, doc: `d${Math.floor(i / 2)}`, text: `passage ${i} on ${WORDS[label]} today`, labels: { sm: label } };
  });
}
const OPTIONS = { name: 'toy', split: 'dev' as const, seed: 3, cGrid: [0.1, 10], folds: 3, minDf: 2, tfidfLength: 2 };

describe('training with extra train-only items', () => {
  const gold = toySet();
  const extra: TrainingItem[] = [
    { id: 'x0', doc: 'd0', text: 'extra on states decide', labels: { sm: 'sovereignty' }, trainOnly: true },
    { id: 'x1', doc: 'elsewhere', text: 'extra on weather football', labels: { sm: 'irrelevant' }, trainOnly: true },
  ];

  it('keeps the folds of the scored items; an extra item takes its document\'s fold, or none (-1)', () => {
    const folds = trainingFolds([...gold, ...extra], 3, 3);
    expect(folds.slice(0, 24)).toEqual(seededGroupFolds(gold.map((g) => g.doc as string), 3, 3));
    expect(folds[24]).toBe(folds[0]);
    expect(folds[25]).toBe(-1);
  });

  it('fits on the extra items and counts them', () => {
    const plain = trainModel(gold, [AXIS], OPTIONS);
    const withExtra = trainModel([...gold, ...extra], [AXIS], OPTIONS);
    expect(withExtra.training.n_items).toBe(26);
    expect(withExtra.training.n_extra_items).toBe(2);
    expect(plain.training.n_extra_items).toBeUndefined();
    expect(withExtra.training.set_sha256).not.toBe(plain.training.set_sha256);
    // Fitted on: the weights differ from the model without them.
    expect(withExtra.axes[0]?.weights).not.toEqual(plain.axes[0]?.weights);
  });

  // An item of a set document whose words say "irrelevant" but whose label is sovereignty: it
  // lands in a held-out fold, where the model calls it irrelevant. Scored, it costs macro-F1.
  const wrong: TrainingItem = { id: 'w', doc: 'd0', text: 'weather football weather', labels: { sm: 'sovereignty' } };
  const best = (items: TrainingItem[]) => Math.max(...(trainModel(items, [AXIS], OPTIONS).axes[0]?.cross_validation.map((p) => p.macro_f1 ?? 0) ?? []));

  it('scores cross-validation on the set only: a train-only item is never among the scored labels', () => {
    expect(best(gold)).toBe(1);
    expect(best([...gold, wrong])).toBeLessThan(1);
    expect(best([...gold, { ...wrong, trainOnly: true }])).toBe(1);
  });

  it('gives best-C and nested figures scored on the set only', () => {
    const plain = crossValidatedEstimate(gold, [AXIS], OPTIONS);
    expect(plain).toEqual({ bestC: { sm: 1 }, nested: { sm: 1 } });
    expect(crossValidatedEstimate([...gold, wrong], [AXIS], OPTIONS).nested.sm).toBeLessThan(1);
    expect(crossValidatedEstimate([...gold, { ...wrong, trainOnly: true }], [AXIS], OPTIONS)).toEqual({ bestC: { sm: 1 }, nested: { sm: 1 } });
  });

  it('refits an ensemble member with the extra items it was trained with, and refuses another count', () => {
    const model = trainModel([...gold, ...extra], [AXIS], OPTIONS);
    expect(() => trainedMember(model, [AXIS], [])).toThrow('trained with 2 extra item(s) but 0 were given');
    expect(() => trainedMember(model, [AXIS], extra)).not.toThrow();
  });
});
