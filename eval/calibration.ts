import { axisLabels, type EvalAxis } from './axis.ts';
import { macroF1 } from './metrics/per-class.ts';
import type { PoleEvidence } from './label-probabilities.ts';

/** Label thresholds as the scorers read them: relevance below `relevance` is irrelevant; |score| below `margin` is neutral. */
export interface LabelThresholds {
  relevance: number;
  margin: number;
}

/** How a scorer turns its evidence into a label under given thresholds (pipeline's combineAxisScore). */
export type Labeller = (evidence: PoleEvidence, thresholds: LabelThresholds) => string;

/** Evenly spaced values from `from` to `to` inclusive, rounded so that 0.1 + 0.2 noise stays out of profiles. */
function steps(from: number, to: number, step: number): number[] {
  const n = Math.round((to - from) / step);
  return Array.from({ length: n + 1 }, (_, i) => Math.round((from + i * step) * 1e6) / 1e6);
}

/** Relevance thresholds tried: 0.025 .. 0.975 (0 would make every passage relevant; axes forbid it). */
export const RELEVANCE_GRID: readonly number[] = steps(0.025, 0.975, 0.025);
/** Margins tried: 0 (no neutral band) .. 0.95. */
export const MARGIN_GRID: readonly number[] = steps(0, 0.95, 0.025);
/** NLI softmax temperatures tried; 1 is the uncalibrated model. */
export const TEMPERATURE_GRID: readonly number[] = [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3];
/**
 * A temperature other than 1 is kept only when it lowers the dev NLL by at least this much
 * (nats per item): smaller gains are within the noise of a dev split of ~150 items, and T = 1
 * keeps scores identical to the uncalibrated model's.
 */
export const MIN_NLL_GAIN = 0.001;

/** The thresholds chosen for one axis and the dev macro-F1 they reach (and the starting point's). */
export interface ThresholdFit {
  thresholds: LabelThresholds;
  macroF1: number;
  startMacroF1: number;
}

/**
 * Grid search for the label thresholds that maximise macro-F1 against gold on the given items
 * (the dev split; never the test split). Ties, common on small sets, go to the candidate
 * nearest the starting thresholds (L1 distance), so a fit moves only as far as the data ask.
 */
export function fitThresholds(
  axis: EvalAxis,
  evidence: readonly PoleEvidence[],
  gold: readonly string[],
  start: LabelThresholds,
  label: Labeller,
): ThresholdFit {
  if (evidence.length !== gold.length) throw new Error(`${evidence.length} scored items but ${gold.length} gold labels`);
  if (gold.length === 0) throw new Error(`axis ${axis.slug}: no items to fit thresholds on`);
  const labels = axisLabels(axis);
  const f1 = (thresholds: LabelThresholds) => macroF1(gold, evidence.map((e) => label(e, thresholds)), labels);
  const distance = (t: LabelThresholds) => Math.abs(t.relevance - start.relevance) + Math.abs(t.margin - start.margin);
  const startMacroF1 = f1(start);
  let best: LabelThresholds = start;
  let bestF1 = startMacroF1;
  for (const relevance of RELEVANCE_GRID) {
    for (const margin of MARGIN_GRID) {
      const candidate = { relevance, margin };
      const score = f1(candidate);
      const better = score > bestF1 + 1e-12 || (Math.abs(score - bestF1) <= 1e-12 && distance(candidate) < distance(best));
      if (better) {
        best = candidate;
        bestF1 = score;
      }
    }
  }
  return { thresholds: best, macroF1: bestF1, startMacroF1 };
}

/** The temperature chosen for one axis and the dev NLL at it and at T = 1. */
export interface TemperatureFit {
  temperature: number;
  nll: number;
  nllAtOne: number;
}

/**
 * Picks the temperature with the lowest dev NLL among those tried, keeping T = 1 unless another
 * improves on it by at least MIN_NLL_GAIN. `nllByTemperature` must include T = 1.
 */
export function chooseTemperature(nllByTemperature: ReadonlyMap<number, number>): TemperatureFit {
  const nllAtOne = nllByTemperature.get(1);
  if (nllAtOne === undefined || !Number.isFinite(nllAtOne)) throw new Error('the NLL at temperature 1 is needed to judge the others');
  let best = { temperature: 1, nll: nllAtOne };
  for (const [temperature, nll] of nllByTemperature) {
    if (Number.isFinite(nll) && nll < best.nll - (best.temperature === 1 ? MIN_NLL_GAIN : 0)) best = { temperature, nll };
  }
  return { ...best, nllAtOne };
}
