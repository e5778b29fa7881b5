// Dev cross-validation of `stance train` with and without extra training passages: the protocol
// of the README's "What was tried" table (best-C and nested macro-F1 per axis, mean over the
// fold seeds 20240601, 1 and 2). Reads the dev split of the gold set only; the test split is
// never read into training or scoring. Extra items are fitted on, never scored.
//
//   npx tsx bench/train-cv.ts [--set eval/gold.jsonl] [--extra eval/train-extra.jsonl ...] [--json]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_GOLD_SET, readTrainingLexicon } from '../app/train-run.ts';
import { toEvalAxis } from '../app/eval-run.ts';
import { extraItemProblems } from '../app/train-extra.ts';
import { filterSplit, parseGoldSet, type GoldItem } from '../eval/gold-set.ts';
import { loadAxesFile } from '../pipeline/load-axes.ts';
import { crossValidatedEstimate } from '../pipeline/train/cross-validate.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainingItem } from '../pipeline/train/train.ts';

const SEEDS = [20240601, 1, 2];

const { values } = parseArgs({ options: { set: { type: 'string' }, extra: { type: 'string', multiple: true }, json: { type: 'boolean' } } });
const axes = loadAxesFile().map(toEvalAxis);
const setFile = values.set ?? DEFAULT_GOLD_SET;
const set = parseGoldSet(readFileSync(setFile, 'utf8'), setFile, axes);
const dev = filterSplit(set, 'dev');
const extra: GoldItem[] = (values.extra ?? []).flatMap((file) => parseGoldSet(readFileSync(file, 'utf8'), file, axes));
const problems = extraItemProblems(extra, set, 'dev', () => 'extra');
if (problems.length > 0) throw new Error(`extra items refused:\n${problems.join('\n')}`);
const lexicon = readTrainingLexicon();

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function measure(items: TrainingItem[]) {
  const runs = SEEDS.map((seed) => crossValidatedEstimate(items, axes, { ...DEFAULT_TRAIN_OPTIONS, name: 'cv', split: 'dev', seed, lexicon }));
  return Object.fromEntries(
    axes.map((a) => [a.slug, { best_c: mean(runs.map((r) => r.bestC[a.slug] as number)), nested: mean(runs.map((r) => r.nested[a.slug] as number)), per_seed: runs.map((r) => ({ best_c: r.bestC[a.slug], nested: r.nested[a.slug] })) }]),
  );
}

const result = {
  seeds: SEEDS,
  n_dev: dev.length,
  n_extra: extra.length,
  without_extra: measure(dev),
  ...(extra.length > 0 && { with_extra: measure([...dev, ...extra.map((i) => ({ ...i, trainOnly: true }))]) }),
};
if (values.json) console.log(JSON.stringify(result, null, 2));
else {
  for (const [name, r] of Object.entries(result).filter(([k]) => k.endsWith('_extra'))) {
    console.log(name);
    for (const [axis, m] of Object.entries(r as Record<string, { best_c: number; nested: number }>)) console.log(`  ${axis}: best-C ${m.best_c.toFixed(3)}  nested ${m.nested.toFixed(3)}`);
  }
}
