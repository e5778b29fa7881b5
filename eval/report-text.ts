import type { Interval } from './metrics/bootstrap.ts';
import type { MacroF1Difference } from './metrics/paired.ts';
import type { AxisReport, EvalReport } from './report.ts';
import { formatTable } from './text-table.ts';

/** A score with three decimals, or "n/a" when undefined. */
function score(x: number | null): string {
  return x === null ? 'n/a' : x.toFixed(3);
}

/** A score followed by its interval, "0.512 [0.410, 0.603]", when the report has intervals. */
function withCi(x: number | null, ci: Interval | undefined): string {
  if (ci === undefined) return score(x);
  return `${score(x)} ${ci === null ? '[n/a]' : `[${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]`}`;
}

/** The summary, per-class and confusion tables of one axis. */
function formatAxis(slug: string, axis: AxisReport): string {
  const summary = formatTable(
    ['', 'accuracy', 'macro-F1', 'kappa', 'ECE'],
    [
      ['model', withCi(axis.accuracy, axis.ci?.accuracy), withCi(axis.macro_f1, axis.ci?.macro_f1), withCi(axis.kappa, axis.ci?.kappa), withCi(axis.ece, axis.ci?.ece)],
      ...Object.entries(axis.baselines).map(([name, b]) => [
        `baseline: ${name}`,
        withCi(b.accuracy, b.ci?.accuracy),
        withCi(b.macro_f1, b.ci?.macro_f1),
        withCi(b.kappa, b.ci?.kappa),
        '-',
      ]),
    ],
    ['left', 'right', 'right', 'right', 'right'],
  );
  const perClass = formatTable(
    ['class', 'precision', 'recall', 'F1', 'support'],
    Object.entries(axis.per_class).map(([label, s]) => [label, score(s.precision), score(s.recall), withCi(s.f1, axis.ci?.per_class_f1[label]), String(s.support)]),
    ['left', 'right', 'right', 'right', 'right'],
  );
  const { labels, matrix } = axis.confusion;
  const confusion = formatTable(
    ['gold \\ predicted', ...labels],
    labels.map((label, i) => [label, ...(matrix[i] ?? []).map(String)]),
    ['left', ...labels.map(() => 'right' as const)],
  );
  return [
    `== Axis ${slug} (n = ${axis.n}) ==`,
    '',
    summary,
    '',
    'Per class (model):',
    perClass,
    '',
    'Confusion matrix (model; rows = gold label, columns = predicted label):',
    confusion,
  ].join('\n');
}

/**
 * Renders a report as plain text for a terminal: per axis, a summary table (model and
 * baselines), per-class scores and the confusion matrix, then a short legend.
 */
export function formatReportText(report: EvalReport): string {
  const axes = Object.entries(report).map(([slug, axis]) => formatAxis(slug, axis));
  const legend = [
    'Scores are in [0, 1] (kappa in [-1, 1]); higher is better, except ECE (calibration error), where lower is better.',
    'n/a: undefined for these data (no items; kappa when gold and predictions are all one class; ECE without model probabilities).',
    ...(Object.values(report).some((a) => a.ci !== null) ? ['[lo, hi]: 95% interval from the document bootstrap; [n/a] when fewer than half of the resamples define the metric.'] : []),
    '-: not computed (baselines give no probabilities).',
  ].join('\n');
  return `${[...axes, legend].join('\n\n')}\n`;
}

/**
 * The paired differences in macro-F1 as a table: per axis and pair, a - b with its interval
 * and a verdict that reads the interval (it excludes 0, or it does not). A verdict involving a
 * system in `inSample` (fitted on items of the evaluated split) says so: its lead there is
 * memorisation as much as skill.
 */
export function formatPairsText(pairs: readonly (MacroF1Difference & { axis: string })[], inSample: ReadonlySet<string> = new Set()): string {
  const verdict = (p: MacroF1Difference) => {
    if (p.ci === null || p.diff === null) return 'n/a';
    const fitted = [p.a, p.b].filter((s) => inSample.has(s));
    const caveat = fitted.length > 0 ? ` (in-sample: ${fitted.join(', ')})` : '';
    if (p.ci[0] > 0) return `${p.a} better${caveat}`;
    if (p.ci[1] < 0) return `${p.b} better${caveat}`;
    return `no clear difference${caveat}`;
  };
  const table = formatTable(
    ['axis', 'a', 'b', 'macro-F1 a - b', '95% CI', 'verdict'],
    pairs.map((p) => [p.axis, p.a, p.b, p.diff === null ? 'n/a' : p.diff.toFixed(3), p.ci === null ? 'n/a' : `[${p.ci[0].toFixed(3)}, ${p.ci[1].toFixed(3)}]`, verdict(p)]),
    ['left', 'left', 'left', 'right', 'right', 'left'],
  );
  return `Paired differences in macro-F1 (the same document resamples for both systems):\n${table}\n`;
}
