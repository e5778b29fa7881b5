import type { ProfileAxisSettings } from '../db/schema/index.ts';
import { axisLabels } from '../eval/axis.ts';
import { chooseTemperature, fitThresholds, TEMPERATURE_GRID } from '../eval/calibration.ts';
import { goldLabels, type GoldItem } from '../eval/gold-set.ts';
import { labelProbabilities, meanNegativeLogLikelihood } from '../eval/label-probabilities.ts';
import { macroF1 } from '../eval/metrics/per-class.ts';
import type { EvalReport } from '../eval/report.ts';
import type { Axis } from '../pipeline/axes.ts';
import { combineAxisScore, type AxisScore } from '../pipeline/stance-score.ts';
import { EvalInputError } from './eval-errors.ts';
import type { EvalInference } from './eval-inference.ts';
import { reportFromScores, toEvalAxis } from './eval-run.ts';
import { axisFileSettings, scoreTexts, type ScoreProgress } from './eval-score.ts';
import type { ScorerKind } from './registry.ts';

/** What a calibration needs: the models, the axes, the dev items to fit on and the test items to report on. */
export interface CalibrationInput {
  inference: EvalInference;
  axes: Axis[];
  dev: readonly GoldItem[];
  test: readonly GoldItem[];
  scorer: ScorerKind;
  onProgress?: ScoreProgress;
}

/** How the fit of one axis went on the dev split. */
export interface AxisFitStats {
  n_dev: number;
  /** Mean NLL of the dev gold labels at T = 1 and at the chosen temperature (NLI only; null for prototype). */
  nll_at_1: number | null;
  nll: number | null;
  /** Dev macro-F1 with the axes file's thresholds at T = 1, and with the fitted settings. */
  macro_f1_before: number;
  macro_f1_after: number;
}

/** The fitted settings per axis, how the fit went, and the test split before and after. */
export interface CalibrationResult {
  axes: Record<string, ProfileAxisSettings>;
  fit: Record<string, AxisFitStats>;
  /** Test-split reports with the axes file's settings and with the fitted ones; null without test items. */
  test: { n: number; before: EvalReport; after: EvalReport } | null;
}

/**
 * Fits per-axis label thresholds (grid search for the best dev macro-F1) and, for the NLI
 * scorer, a softmax temperature (lowest dev NLL of the gold labels under labelProbabilities;
 * kept at 1 unless another clearly helps) on the dev items only. Test items are scored with
 * the same models but only to report before and after; nothing about them enters the fit.
 * The temperature is chosen first, then the thresholds at that temperature, since a
 * temperature moves the probabilities that the thresholds cut.
 */
export async function calibrate(input: CalibrationInput): Promise<CalibrationResult> {
  const { inference, axes, dev, test, scorer } = input;
  if (dev.length === 0) throw new EvalInputError('the set has no dev items: calibration fits on the dev split only');
  if (dev.some((i) => i.split !== 'dev') || test.some((i) => i.split !== 'test')) {
    throw new Error('calibrate: dev and test items must come from their own splits');
  }
  const base = axisFileSettings(axes);
  // T = 1 first: it is the pass that runs the model; the other temperatures reuse its logits.
  const temperatures = scorer === 'nli' ? [1, ...TEMPERATURE_GRID.filter((t) => t !== 1)] : [1];
  const scoresAt = new Map<number, AxisScore[][]>();
  const total = dev.length + test.length;
  for (const t of temperatures) {
    const settings = { ...base, temperatures: Object.fromEntries(axes.map((a) => [a.slug, t])) };
    const progress = t === 1 ? input.onProgress : undefined;
    // Dev and test are scored apart, as `stance eval --split test` scores test: with a
    // quantized (q8) model the outputs depend slightly on what shares a batch, and the "after"
    // numbers must be the ones an eval with the stored profile gives.
    const devScores = await scoreTexts(inference, scorer, dev.map((i) => i.text), axes, settings, progress && ((done) => progress(done, total)));
    const testScores = await scoreTexts(inference, scorer, test.map((i) => i.text), axes, settings, progress && ((done) => progress(dev.length + done, total)));
    scoresAt.set(t, [...devScores, ...testScores]);
  }
  const atT = (t: number) => scoresAt.get(t) as AxisScore[][];

  const fitted: Record<string, ProfileAxisSettings> = {};
  const fit: Record<string, AxisFitStats> = {};
  axes.forEach((axis, x) => {
    const evalAxis = toEvalAxis(axis);
    const gold = goldLabels(dev, axis.slug);
    const devScores = (t: number) => atT(t).slice(0, dev.length).map((row) => row[x] as AxisScore);
    const nll = new Map(temperatures.map((t) => [t, meanNegativeLogLikelihood(gold, devScores(t).map((s) => labelProbabilities(evalAxis, s)))] as const));
    const temperature = chooseTemperature(nll);
    const thresholds = fitThresholds(evalAxis, devScores(temperature.temperature), gold, axis.thresholds, (e, th) =>
      combineAxisScore(e.probA, e.probB, e.relevance, axis, th).label,
    );
    const beforeF1 = macroF1(gold, devScores(1).map((s) => s.label), axisLabels(evalAxis));
    fitted[axis.slug] = { ...thresholds.thresholds, temperature: temperature.temperature };
    fit[axis.slug] = {
      n_dev: dev.length,
      nll_at_1: scorer === 'nli' ? temperature.nllAtOne : null,
      nll: scorer === 'nli' ? temperature.nll : null,
      macro_f1_before: beforeF1,
      macro_f1_after: thresholds.macroF1,
    };
  });

  if (test.length === 0) return { axes: fitted, fit, test: null };
  const testScores = (t: number) => atT(t).slice(dev.length);
  const after = testScores(1).map((_, i) =>
    axes.map((axis, x) => {
      const f = fitted[axis.slug] as ProfileAxisSettings;
      const s = testScores(f.temperature)[i]?.[x] as AxisScore;
      return combineAxisScore(s.probA, s.probB, s.relevance, axis, { relevance: f.relevance, margin: f.margin });
    }),
  );
  return {
    axes: fitted,
    fit,
    test: { n: test.length, before: reportFromScores(axes, test, testScores(1)), after: reportFromScores(axes, test, after) },
  };
}
