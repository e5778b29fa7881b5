import type { Db } from '../db/client.ts';
import type { RecordedModels } from '../db/schema/index.ts';
import type { EvalAxis } from '../eval/axis.ts';
import { baselinePredictions, itemGroup } from '../eval/baseline-predictions.ts';
import { axisLabels } from '../eval/axis.ts';
import { documentResamples, type DocumentResamples } from '../eval/metrics/bootstrap.ts';
import { pairedMacroF1Differences, type MacroF1Difference } from '../eval/metrics/paired.ts';
import type { Lexicon } from '../eval/baselines/lexicon.ts';
import { goldLabels, type GoldItem } from '../eval/gold-set.ts';
import { labelProbabilities } from '../eval/label-probabilities.ts';
import { buildReport, type AxisEvalInput, type EvalReport, type ReportOptions } from '../eval/report.ts';
import type { Axis } from '../pipeline/axes.ts';
import type { AxisScore } from '../pipeline/stance-score.ts';
import type { LexiconFile } from '../pipeline/lexicon/lexicon-file.ts';
import type { EvalInference } from './eval-inference.ts';
import type { ScoringSettings } from './eval-score.ts';
import { scorerByName } from './scorers/index.ts';
import { loadLexiconFile } from '../pipeline/lexicon/load.ts';

/** The view of an axis that eval/ works with: its slug and its poles' slugs. */
export function toEvalAxis(axis: Axis): EvalAxis {
  return { slug: axis.slug, poles: [axis.poles[0].slug, axis.poles[1].slug] };
}

/** Name, dtype and version of both models, as runs and profiles record them. */
export function recordedModels(inference: Pick<EvalInference, 'embedModel' | 'nliModel'>): RecordedModels {
  const pick = (m: { name: string; dtype: string; version: string }) => ({ name: m.name, dtype: m.dtype, version: m.version });
  return { embed: pick(inference.embedModel), nli: pick(inference.nliModel) };
}

/**
 * The label distribution ECE checks for one score: the scorer's own four probabilities when it
 * has them (trained and ensemble scorers keep them in details.label_probabilities; they are
 * what `evidence` prints and what temperature scaling calibrates), else the distribution that
 * labelProbabilities derives from the pole probabilities and relevance (nli, prototype,
 * lexicon).
 */
export function evalLabelDistribution(axis: EvalAxis, score: AxisScore & { details?: Record<string, unknown> | null }): Record<string, number> {
  const own = score.details?.label_probabilities;
  if (own !== null && typeof own === 'object') {
    const labels = axisLabels(axis);
    const probs = own as Record<string, unknown>;
    if (labels.every((l) => typeof probs[l] === 'number')) return Object.fromEntries(labels.map((l) => [l, probs[l] as number]));
  }
  return labelProbabilities(axis, score);
}

/**
 * The report of every axis from a scorer's output on the items (scores[item][axis], in the
 * order of `axes`): its labels against gold, and as probabilities for ECE the label
 * distribution of evalLabelDistribution (the confidence is its value at the predicted label).
 */
export function reportFromScores(
  axes: readonly Axis[],
  items: readonly GoldItem[],
  scores: readonly (readonly (AxisScore & { details?: Record<string, unknown> | null })[])[],
  baselines: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {},
  options: ReportOptions = {},
): EvalReport {
  if (scores.length !== items.length) throw new Error(`${items.length} items but ${scores.length} scored`);
  const inputs: Record<string, AxisEvalInput> = {};
  axes.forEach((axis, x) => {
    const evalAxis = toEvalAxis(axis);
    const perItem = scores.map((row, i) => {
      const s = row[x];
      if (s === undefined) throw new Error(`item ${items[i]?.id ?? i} has no score on axis ${axis.slug}`);
      return s;
    });
    inputs[axis.slug] = {
      gold: goldLabels(items, axis.slug),
      predicted: perItem.map((s) => s.label),
      probabilities: perItem.map((s) => evalLabelDistribution(evalAxis, s)),
      ...(baselines[axis.slug] && { baselines: baselines[axis.slug] }),
    };
  });
  return buildReport(axes.map(toEvalAxis), inputs, options);
}

/** How the intervals of an evaluation are drawn: documents resampled with replacement. */
export interface BootstrapSettings {
  replicates: number;
  seed: number;
  level: number;
}

/** A paired-bootstrap difference in macro-F1 between two systems (scorers or baselines) on one axis. */
export interface EvalPair extends MacroF1Difference {
  axis: string;
}

/** The name of a baseline among the systems that pairs compare. */
export function baselineSystemName(name: string): string {
  return `baseline:${name}`;
}

/**
 * Every pair of systems on every axis: the scorers in the order given, then the baselines
 * (named baseline:<name>), each pair's macro-F1 difference with its paired interval over the
 * same document resamples.
 */
export function evaluationPairs(
  axes: readonly Axis[],
  items: readonly GoldItem[],
  scorerLabels: readonly (readonly [string, Readonly<Record<string, readonly string[]>>])[],
  baselines: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>,
  resamples: DocumentResamples,
  level: number,
): EvalPair[] {
  return axes.flatMap((axis) => {
    const systems: [string, readonly string[]][] = [
      ...scorerLabels.map(([name, perAxis]) => [name, perAxis[axis.slug] ?? []] as [string, readonly string[]]),
      ...Object.entries(baselines[axis.slug] ?? {}).map(([name, labels]) => [baselineSystemName(name), labels] as [string, readonly string[]]),
    ];
    return pairedMacroF1Differences(goldLabels(items, axis.slug), systems, axisLabels(toEvalAxis(axis)), resamples, level).map((p) => ({ axis: axis.slug, ...p }));
  });
}

/** What one evaluation needs. */
export interface EvaluationInput {
  /** The store, for scorers whose artifacts live there (trained, ensemble). */
  db?: Db;
  /** The models; may be undefined when every scorer evaluated needs none. */
  inference: EvalInference | undefined;
  /** The lexicon file of the lexicon scorer; the project's config/lexicon.json when absent. */
  lexiconFile?: LexiconFile;
  axes: Axis[];
  /** The items to score (one split of the set, or all of it). */
  items: readonly GoldItem[];
  /** The dev items of the set, whichever split is scored: the trained baselines learn from these only. */
  dev: readonly GoldItem[];
  /** Scorer names of app/scorers ("nli", "lexicon", ...). */
  scorers: readonly string[];
  /** The label settings of each scorer (the axes file's, the lexicon file's, or a threshold profile's). */
  settings: (name: string) => ScoringSettings;
  /** Keywords for the lexicon baseline; without them the baseline is left out. */
  lexicon?: Lexicon;
  onProgress?: (name: string, done: number, total: number) => void;
  /** Draws of the intervals (the same document resamples for every scorer, baseline and axis). */
  bootstrap: BootstrapSettings;
}

/** The evaluation of one scorer. */
export interface ScorerEvaluation {
  scorer: string;
  settings: ScoringSettings;
  report: EvalReport;
}

/** Every scorer's evaluation, the pairwise differences, and notes on baselines that could not run. */
export interface Evaluation {
  results: ScorerEvaluation[];
  pairs: EvalPair[];
  baselineNotes: string[];
  /** Number of documents the bootstrap resampled. */
  nDocuments: number;
}

/**
 * Scores the items with each scorer (nothing is stored) and reports per axis the metrics of
 * the scorer against gold next to the baselines (majority, lexicon, bow), which are computed
 * once and shared by all scorers.
 */
export async function evaluateItems(input: EvaluationInput): Promise<Evaluation> {
  const { axes, items } = input;
  const baselineNotes: string[] = [];
  const baselines: Record<string, Record<string, string[]>> = {};
  for (const axis of axes) {
    const b = baselinePredictions(toEvalAxis(axis), items, input.dev, input.lexicon);
    baselines[axis.slug] = b.predictions;
    baselineNotes.push(...b.notes);
  }
  const texts = items.map((i) => i.text);
  const groups = items.map(itemGroup);
  const { replicates, seed, level } = input.bootstrap;
  const resamples = documentResamples(groups, replicates, seed);
  const results: ScorerEvaluation[] = [];
  const scorerLabels: [string, Record<string, string[]>][] = [];
  for (const scorer of input.scorers) {
    const settings = input.settings(scorer);
    const { ref, descriptor } = scorerByName(scorer);
    const env = { ...(input.db && { db: input.db }), axes, config: {}, lexicon: input.lexiconFile ?? loadLexiconFile(), inference: input.inference };
    const scores = await descriptor.scoreTexts(env, ref, texts, settings, (done, total) => input.onProgress?.(scorer, done, total));
    results.push({ scorer, settings, report: reportFromScores(axes, items, scores, baselines, { resamples, level }) });
    scorerLabels.push([scorer, Object.fromEntries(axes.map((axis, x) => [axis.slug, scores.map((row) => row[x]?.label ?? '')]))]);
  }
  const pairs = evaluationPairs(axes, items, scorerLabels, baselines, resamples, level);
  return { results, pairs, baselineNotes, nDocuments: new Set(groups).size };
}
