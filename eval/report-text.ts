import type { AxisReport, EvalReport } from './report.ts';
import { formatTable } from './text-table.ts';

/** A score with three decimals, or "n/a" when undefined. */
function score(x: number | null): string {
  return x === null ? 'n/a' : x.toFixed(3);
}

/** The summary, per-class and confusion tables of one axis. */
function formatAxis(slug: string, axis: AxisReport): string {
  const summary = formatTable(
    ['', 'accuracy', 'macro-F1', 'kappa', 'ECE'],
    [
      ['model', score(axis.accuracy), score(axis.macro_f1), score(axis.kappa), score(axis.ece)],
      ...Object.entries(axis.baselines).map(([name, b]) => [
        `baseline: ${name}`,
        score(b.accuracy),
        score(b.macro_f1),
        score(b.kappa),
        '-',
      ]),
    ],
    ['left', 'right', 'right', 'right', 'right'],
  );
  const perClass = formatTable(
    ['class', 'precision', 'recall', 'F1', 'support'],
    Object.entries(axis.per_class).map(([label, s]) => [label, score(s.precision), score(s.recall), score(s.f1), String(s.support)]),
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
    '-: not computed (baselines give no probabilities).',
  ].join('\n');
  return `${[...axes, legend].join('\n\n')}\n`;
}
