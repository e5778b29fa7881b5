import { percentileInterval, type DocumentResamples, type Interval } from './bootstrap.ts';
import { macroF1 } from './per-class.ts';
import { resampledConfusionMetrics } from './resampled.ts';

/** The difference in macro-F1 of two systems on the same items, with its paired-bootstrap interval. */
export interface MacroF1Difference {
  a: string;
  b: string;
  /** macro-F1(a) - macro-F1(b) on all items; null when either is undefined. */
  diff: number | null;
  ci: Interval;
}

/**
 * For every pair of systems (a before b in the given order), macro-F1(a) - macro-F1(b) with the
 * percentile interval of that difference over the same document resamples for both systems
 * (paired: what the drawn documents make easy or hard for both cancels out).
 */
export function pairedMacroF1Differences(
  gold: readonly string[],
  systems: readonly (readonly [string, readonly string[]])[],
  labels: readonly string[],
  resamples: DocumentResamples,
  level = 0.95,
): MacroF1Difference[] {
  const replicates = systems.map(([, predicted]) => resampledConfusionMetrics(gold, predicted, labels, resamples).map((m) => m.macro_f1));
  const out: MacroF1Difference[] = [];
  systems.forEach(([a, predA], i) => {
    systems.slice(i + 1).forEach(([b, predB], offset) => {
      const j = i + 1 + offset;
      const ra = replicates[i] as number[];
      const rb = replicates[j] as number[];
      const diff = macroF1(gold, predA, labels) - macroF1(gold, predB, labels);
      out.push({ a, b, diff: Number.isFinite(diff) ? diff : null, ci: percentileInterval(ra.map((x, r) => x - (rb[r] as number)), level) });
    });
  });
  return out;
}
