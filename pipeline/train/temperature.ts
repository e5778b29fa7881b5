import { expectedCalibrationError } from '../../eval/metrics/ece.ts';
import { softmax } from './softmax-regression.ts';

/**
 * Temperature scaling (Guo et al. 2017): probabilities = softmax(scores / T) with one T > 0
 * per axis. T > 1 softens an overconfident model, T < 1 sharpens an underconfident one; the
 * order of the scores, and so the most probable label, is the same at every T.
 */

/** Temperatures searched: 0.05 to 20, on a log scale. */
export const TEMPERATURE_RANGE = { min: 0.05, max: 20 } as const;

/** The label probabilities of one row's class scores at temperature t. */
export function temperedSoftmax(scores: readonly number[], t: number): number[] {
  if (!(t > 0) || !Number.isFinite(t)) throw new Error(`temperature must be a finite number > 0, got ${t}`);
  return softmax(t === 1 ? scores : scores.map((s) => s / t));
}

/**
 * Mean negative log-likelihood of the targets under softmax(scores / t), computed as
 * logsumexp(z) - z_y (no floor, no overflow), in nats per row.
 */
export function temperatureNll(scores: readonly (readonly number[])[], targets: readonly number[], t: number): number {
  if (scores.length !== targets.length) throw new Error(`${scores.length} score rows but ${targets.length} targets`);
  if (scores.length === 0) throw new Error('no rows to compute an NLL on');
  let sum = 0;
  scores.forEach((row, i) => {
    const z = row.map((s) => s / t);
    const max = Math.max(...z);
    const lse = max + Math.log(z.reduce((a, v) => a + Math.exp(v - max), 0));
    sum += lse - (z[targets[i] as number] as number);
  });
  return sum / scores.length;
}

/**
 * The temperature in TEMPERATURE_RANGE that minimises temperatureNll: golden-section search on
 * ln t. The NLL is convex in 1/t (a log-sum-exp of terms linear in 1/t, minus a linear term),
 * so it has one minimum along ln t and the search finds it; a minimum outside the range ends
 * at the nearer bound. A fixed number of steps (the bracket shrinks below 1e-9 in ln t) keeps
 * it deterministic.
 */
export function fitTemperature(scores: readonly (readonly number[])[], targets: readonly number[], range: { min: number; max: number } = TEMPERATURE_RANGE): number {
  const f = (u: number) => temperatureNll(scores, targets, Math.exp(u));
  let lo = Math.log(range.min);
  let hi = Math.log(range.max);
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo);
  let x2 = lo + g * (hi - lo);
  let f1 = f(x1);
  let f2 = f(x2);
  while (hi - lo > 1e-9) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - g * (hi - lo);
      f1 = f(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + g * (hi - lo);
      f2 = f(x2);
    }
  }
  // The bounds themselves are candidates too (the search only approaches them).
  const candidates = [Math.log(range.min), (lo + hi) / 2, Math.log(range.max)];
  let best = candidates[1] as number;
  for (const u of candidates) if (f(u) < f(best)) best = u;
  return Math.exp(best);
}

/**
 * ECE (10 equal-width bins) of a model's own label distributions: the confidence is the
 * largest probability, correct when its label (the first on ties) is the target.
 */
export function distributionEce(probabilities: readonly (readonly number[])[], targets: readonly number[]): number {
  const confidences = probabilities.map((p) => Math.max(...p));
  const correct = probabilities.map((p, i) => p.indexOf(Math.max(...p)) === targets[i]);
  return expectedCalibrationError(confidences, correct);
}

/** Dev out-of-fold figures of a temperature fit, as the artifact records them. */
export interface CalibrationRecord {
  method: 'temperature';
  /** Out-of-fold rows the temperature was fitted on. */
  n: number;
  /** Mean NLL (nats) and ECE of the out-of-fold probabilities at T = 1 and at the fitted T. */
  nll_t1: number;
  nll: number;
  ece_t1: number;
  ece: number;
}

/** Fits T on out-of-fold class scores and measures NLL and ECE before and after; `round` is applied to every number stored. */
export function calibrateTemperature(scores: readonly (readonly number[])[], targets: readonly number[], round: (x: number) => number): { temperature: number; calibration: CalibrationRecord } {
  const temperature = round(fitTemperature(scores, targets));
  const at = (t: number) => scores.map((z) => temperedSoftmax(z, t));
  return {
    temperature,
    calibration: {
      method: 'temperature',
      n: scores.length,
      nll_t1: round(temperatureNll(scores, targets, 1)),
      nll: round(temperatureNll(scores, targets, temperature)),
      ece_t1: round(distributionEce(at(1), targets)),
      ece: round(distributionEce(at(temperature), targets)),
    },
  };
}
