import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chooseTemperature, fitThresholds, MIN_NLL_GAIN } from '../../eval/calibration.ts';
import { labelProbabilities, meanNegativeLogLikelihood } from '../../eval/label-probabilities.ts';
import { evalLabelDistribution } from '../../app/eval-run.ts';
import { parseAxes } from '../../pipeline/axes.ts';
import { combineAxisScore } from '../../pipeline/stance-score.ts';
import { repoPath } from '../helpers/paths.ts';

// The pure fitting behind `stance eval calibrate` (the command itself: eval-run-calibrate.test.ts).
const AXIS = { slug: 'sovereignty_multistakeholder', poles: ['sovereignty', 'multistakeholder'] } as const;

describe('label probabilities (the confidence behind ECE and the NLL)', () => {
  it('splits relevance between neutral and the leading pole, and sums to 1', () => {
    const p = labelProbabilities(AXIS, { probA: 0.6, probB: 0.2, relevance: 0.8 });
    // d = 0.4 / 0.8 = 0.5
    expect(p.sovereignty).toBeCloseTo(0.4, 12);
    expect(p.multistakeholder).toBe(0);
    expect(p.neutral).toBeCloseTo(0.4, 12);
    expect(p.irrelevant).toBeCloseTo(0.2, 12);
    const q = labelProbabilities(AXIS, { probA: 0, probB: 0, relevance: 1.2 });
    expect(q).toEqual({ sovereignty: 0, multistakeholder: 0, neutral: 1, irrelevant: 0 });
    const r = labelProbabilities(AXIS, { probA: 0.1, probB: 0.9, relevance: 0.5 });
    expect(Object.values(r).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(r.multistakeholder).toBeCloseTo(0.4, 12);
  });

  it('checks a trained or ensemble scorer\'s own four probabilities, not the ones derived from its poles and relevance', () => {
    // The row of a trained model that puts 0.5 on neutral: the derived distribution would give
    // neutral r (1 - d) = 0.9 * (1 - 0.2 / 0.4) = 0.45; its own is 0.5.
    const own = { sovereignty: 0.3, multistakeholder: 0.1, neutral: 0.5, irrelevant: 0.1 };
    const row = { probA: 0.3, probB: 0.1, relevance: 0.9, score: -0.2, label: 'neutral', details: { label_probabilities: own, terms: [] } };
    expect(evalLabelDistribution(AXIS, row)).toEqual(own);
    // Without (or with incomplete) label probabilities: the derived distribution, as for nli, prototype and lexicon.
    const { details: _details, ...plain } = row;
    expect(evalLabelDistribution(AXIS, plain).neutral).toBeCloseTo(0.45, 12);
    expect(evalLabelDistribution(AXIS, { ...row, details: { label_probabilities: { neutral: 0.5 } } })).toEqual(labelProbabilities(AXIS, row));
  });

  it('takes the mean NLL of the gold labels, with a floor for impossible labels', () => {
    const probs = [{ a: 0.5, b: 0.5 }, { a: 0.25, b: 0.75 }, { a: 0, b: 1 }];
    expect(meanNegativeLogLikelihood(['a', 'b', 'b'], probs)).toBeCloseTo((Math.log(2) + Math.log(4 / 3) + 0) / 3, 12);
    expect(meanNegativeLogLikelihood(['a'], [{ a: 0 }])).toBeCloseTo(-Math.log(1e-6), 9);
    expect(meanNegativeLogLikelihood([], [])).toBeNaN();
  });
});

describe('fitting thresholds and temperatures', () => {
  const axis = parseAxes(JSON.parse(readFileSync(repoPath('config/axes.json'), 'utf8')), 'axes.json')[0]!;
  const label = (e: { probA: number; probB: number; relevance: number }, th: { relevance: number; margin: number }) =>
    combineAxisScore(e.probA, e.probB, e.relevance, axis, th).label;

  it('finds thresholds that separate the gold labels, starting from the axis file', () => {
    // Gold needs relevance in (0.2, 0.35] and margin in (0.35, 0.6]; the axis file says 0.5 and 0.15.
    const evidence = [
      { probA: 0.9, probB: 0.1, relevance: 0.35 }, // score -0.8 -> sovereignty
      { probA: 0.1, probB: 0.7, relevance: 0.6 }, // +0.6 -> multistakeholder
      { probA: 0.5, probB: 0.3, relevance: 0.9 }, // -0.2 -> neutral
      { probA: 0.4, probB: 0.75, relevance: 0.4 }, // +0.35 -> neutral
      { probA: 0.9, probB: 0.0, relevance: 0.2 }, // irrelevant
      { probA: 0.0, probB: 0.9, relevance: 0.1 }, // irrelevant
    ];
    const gold = ['sovereignty', 'multistakeholder', 'neutral', 'neutral', 'irrelevant', 'irrelevant'];
    const fit = fitThresholds(AXIS, evidence, gold, axis.thresholds, label);
    expect(fit.macroF1).toBe(1);
    expect(fit.startMacroF1).toBeLessThan(1);
    // Of the equally good thresholds, the one nearest the start (0.5, 0.15).
    expect(fit.thresholds).toEqual({ relevance: 0.35, margin: 0.375 });
    expect(evidence.map((e) => label(e, fit.thresholds))).toEqual(gold);
  });

  it('keeps the starting thresholds when nothing does better', () => {
    const evidence = [{ probA: 0.9, probB: 0.1, relevance: 0.9 }];
    expect(fitThresholds(AXIS, evidence, ['sovereignty'], axis.thresholds, label).thresholds).toEqual(axis.thresholds);
  });

  it('keeps temperature 1 unless another lowers the dev NLL by a clear margin', () => {
    expect(chooseTemperature(new Map([[0.5, 1.2], [1, 1.0], [2, 1.0 - MIN_NLL_GAIN / 2]])).temperature).toBe(1);
    expect(chooseTemperature(new Map([[0.5, 0.95], [1, 1.0], [2, 0.9]]))).toEqual({ temperature: 2, nll: 0.9, nllAtOne: 1.0 });
    expect(() => chooseTemperature(new Map([[2, 1]]))).toThrow(/temperature 1/);
  });
});
