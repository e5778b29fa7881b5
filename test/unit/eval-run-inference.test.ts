import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEvalInference, memoizeLogits, type EvalInference } from '../../app/eval-inference.ts';
import { evaluateItems, toEvalAxis } from '../../app/eval-run.ts';
import { axisFileSettings, scoreTexts } from '../../app/eval-score.ts';
import { loadLocalInference, type Inference } from '../../app/inference.ts';
import { readLexiconFile } from '../../eval/baselines/lexicon-file.ts';
import { filterSplit, parseGoldSet } from '../../eval/gold-set.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import type { NliModel } from '../../pipeline/models.ts';
import { countConfusion, metricsOfConfusion } from '../helpers/hand-metrics.ts';
import { repoPath } from '../helpers/paths.ts';
import { tinyModelSpec } from '../helpers/models.ts';

const axes = loadAxesFile();
let inference: Inference;
let evalInference: EvalInference;
beforeAll(async () => {
  inference = await loadLocalInference(tinyModelSpec());
  evalInference = await loadEvalInference(tinyModelSpec());
});
afterAll(async () => {
  await inference.close();
  await evalInference.close();
});

describe('memoizeLogits', () => {
  it('runs each distinct pair through the model once and keeps the input order', async () => {
    const seen: string[] = [];
    const fake: NliModel = {
      name: 'fake',
      dtype: 'fp32',
      version: 'v',
      id2label: { 0: 'entailment' },
      maxTokens: 512,
      countTokens: () => 1,
      logits: async (pairs) => {
        seen.push(...pairs.map((p) => p[0]));
        return pairs.map((p) => Float32Array.of(p[0].length));
      },
    };
    const memo = memoizeLogits(fake);
    const first = await memo.logits([['aa', 'h'], ['b', 'h'], ['aa', 'h']]);
    const second = await memo.logits([['b', 'h'], ['ccc', 'h']]);
    expect(seen).toEqual(['aa', 'b', 'ccc']);
    expect(first.map((r) => r[0])).toEqual([2, 1, 2]);
    expect(second.map((r) => r[0])).toEqual([1, 3]);
  });
});

describe('scoring gold items without storing them', () => {
  const texts = [
    'Internet governance should be led by governments and the ITU.',
    'Civil society and the technical community must take part on an equal footing.',
    'Privacy must be protected online.',
  ];

  it('gives the scores the pipeline Inference gives, at any temperature', async () => {
    const settings = axisFileSettings(axes);
    const fromPipeline = await scoreTexts(inference, 'nli', texts, axes, settings);
    expect(await scoreTexts(evalInference, 'nli', texts, axes, settings)).toEqual(fromPipeline);
    const hot = { ...settings, temperatures: Object.fromEntries(axes.map((a) => [a.slug, 2])) };
    expect(await scoreTexts(evalInference, 'nli', texts, axes, hot)).toEqual(await scoreTexts(inference, 'nli', texts, axes, hot));
    expect(await scoreTexts(evalInference, 'prototype', texts, axes, settings)).toEqual(await scoreTexts(inference, 'prototype', texts, axes, settings));
  });

  it('evaluates items with the app Inference directly, for both scorers', async () => {
    const gold = parseGoldSet(readFileSync(repoPath('eval/gold.jsonl'), 'utf8'), 'gold.jsonl', axes.map(toEvalAxis));
    const items = filterSplit(gold, 'test').slice(0, 12);
    const seen: string[] = [];
    const evaluation = await evaluateItems({
      inference,
      axes,
      items,
      dev: filterSplit(gold, 'dev'),
      scorers: ['nli', 'prototype'],
      settings: () => axisFileSettings(axes),
      lexicon: readLexiconFile(),
      onProgress: (kind, done, total) => seen.push(`${kind} ${done}/${total}`),
      bootstrap: { replicates: 200, seed: 7, level: 0.95 },
    });
    expect(evaluation.results.map((r) => r.scorer)).toEqual(['nli', 'prototype']);
    const texts = items.map((i) => i.text);
    const dev = filterSplit(gold, 'dev');
    for (const { scorer, report } of evaluation.results) {
      expect(Object.keys(report)).toEqual(axes.map((a) => a.slug));
      // The labels the scorer gives these texts on its own, against gold, by the textbook formulas.
      const scores = await scoreTexts(inference, scorer as 'nli' | 'prototype', texts, axes, axisFileSettings(axes));
      axes.forEach((a, x) => {
        const axis = report[a.slug]!;
        expect(axis.n).toBe(12);
        const goldLabels = items.map((i) => i.labels[a.slug]!);
        const matrix = countConfusion(goldLabels, scores.map((row) => row[x]!.label), axis.confusion.labels);
        expect(axis.confusion.matrix).toEqual(matrix);
        const hand = metricsOfConfusion(matrix);
        expect(axis.accuracy).toBeCloseTo(hand.accuracy, 12);
        expect(axis.macro_f1).toBeCloseTo(hand.macroF1, 12);
        if (Number.isNaN(hand.kappa)) expect(axis.kappa).toBeNull();
        else expect(axis.kappa).toBeCloseTo(hand.kappa, 12);
        expect(axis.ece).not.toBeNull();
        expect(Object.keys(axis.baselines)).toEqual(['majority', 'lexicon', 'bow']);
        // Majority baseline: the most frequent dev label (ties to the first in code-unit order) for every item.
        const counts = new Map<string, number>();
        for (const i of dev) counts.set(i.labels[a.slug]!, (counts.get(i.labels[a.slug]!) ?? 0) + 1);
        const constant = [...counts].sort(([p, cp], [q, cq]) => cq - cp || (p < q ? -1 : 1))[0]![0];
        const majority = metricsOfConfusion(countConfusion(goldLabels, goldLabels.map(() => constant), axis.confusion.labels));
        expect(axis.baselines.majority?.accuracy).toBeCloseTo(majority.accuracy, 12);
        expect(axis.baselines.majority?.macro_f1).toBeCloseTo(majority.macroF1, 12);
      });
    }
    // Baselines do not depend on the scorer.
    expect(evaluation.results[0]?.report.security_rights?.baselines).toEqual(evaluation.results[1]?.report.security_rights?.baselines);
    expect(seen.at(-1)).toBe('prototype 12/12');
    // Every pair of the 5 systems (2 scorers, 3 baselines) on each axis, whose diff is the
    // difference of the macro-F1 the reports give, and whose interval holds numbers in [-1, 1].
    expect(evaluation.pairs).toHaveLength(2 * 10);
    const macroF1Of = (system: string, axis: string) => {
      const [nli] = evaluation.results;
      const report = system.startsWith('baseline:') ? nli?.report[axis]?.baselines[system.slice(9)] : evaluation.results.find((r) => r.scorer === system)?.report[axis];
      return report?.macro_f1 ?? Number.NaN;
    };
    for (const pair of evaluation.pairs) {
      expect(pair.diff).toBeCloseTo(macroF1Of(pair.a, pair.axis) - macroF1Of(pair.b, pair.axis), 12);
      if (pair.ci) expect(pair.ci[0] <= pair.ci[1] && pair.ci[0] >= -1 && pair.ci[1] <= 1).toBe(true);
    }
    expect(evaluation.pairs.slice(0, 4).map((p) => [p.a, p.b])).toEqual([
      ['nli', 'prototype'],
      ['nli', 'baseline:majority'],
      ['nli', 'baseline:lexicon'],
      ['nli', 'baseline:bow'],
    ]);
  });
});

describe('loading only the models the evaluated scorers need', () => {
  it('loads the NLI model alone when asked, without looking for the embedding model', async () => {
    // An embedding model that does not exist: loading it would fail, as on a machine without it.
    const only = await loadEvalInference(tinyModelSpec({ embedModel: 'no-such-embedding-model' }), undefined, ['nli']);
    expect(only.nliModel).toMatchObject({ name: 'tiny-random-nli', version: evalInference.nliModel.version });
    expect(only.embedModel).toMatchObject({ name: 'no-such-embedding-model', version: 'not loaded' });
    const texts = ['Governments must be able to control information online.'];
    const opts = { batchSize: 8 };
    expect(await only.nliScores(texts, axes, opts)).toEqual(await evalInference.nliScores(texts, axes, opts));
    await expect(only.embed(texts)).rejects.toThrow(/embedding model no-such-embedding-model was not loaded/);
  });
});
