import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Db } from '../db/client.ts';
import { axisLabels } from '../eval/axis.ts';
import { parseGoldSet, type GoldItem } from '../eval/gold-set.ts';
import type { Axis } from '../pipeline/axes.ts';
import type { LexiconFile } from '../pipeline/lexicon/lexicon-file.ts';
import { evalLabelDistribution, toEvalAxis } from './eval-run.ts';
import type { ScoringSettings } from './eval-score.ts';
import { allScorerRefs, scorerByName } from './scorers/index.ts';
import type { ScoreRow, ScorerConfig } from './scorers/types.ts';

/**
 * Label review for evaluators: a gold set scored by the scorers that need no pretrained model
 * (as `stance eval` scores it: descriptor.scoreTexts, nothing stored), the items where a scorer
 * and gold disagree, and a reviewer's own labels written to a tagging file of their own in the
 * gold format (which `stance eval agreement` reads), never into the gold set.
 */

/** Error in what a reviewer asked for (unknown set or scorer, bad label); the message says what to do. */
export class ReviewInputError extends Error {
  override name = 'ReviewInputError';
}

/** What scoring and reading sets need. */
export interface ReviewEnv {
  db: Db;
  axes: Axis[];
  config: Partial<ScorerConfig>;
  lexicon: LexiconFile;
  /** The label settings of a scorer (its defaults, or a threshold profile's). */
  settings: (scorer: string) => ScoringSettings;
}

/** The scorers the review can run here: those that need no pretrained model (lexicon, trained:*, ensemble:*). */
export async function reviewScorers(db: Db): Promise<string[]> {
  return (await allScorerRefs(db)).filter((s) => s.descriptor.needsModels.length === 0).map((s) => s.ref.name);
}

/** The gold sets offered: the *.jsonl files directly in the folder, by file name. */
export function goldSetFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // no such folder: no sets to offer
  }
  return names.filter((f) => f.endsWith('.jsonl')).sort();
}

/** A gold set's items read from its folder; the name must be one of goldSetFiles (no paths). */
export function readGoldSet(dir: string, name: string, offered: readonly string[], axes: readonly Axis[]): { file: string; items: GoldItem[]; text: string } {
  if (!offered.includes(name)) throw new ReviewInputError(`unknown gold set "${name}"; the sets in ${dir} are ${offered.join(', ') || 'none'}`);
  const file = join(dir, name);
  const text = readFileSync(file, 'utf8');
  return { file, text, items: parseGoldSet(text, file, axes.map(toEvalAxis)) };
}

/** Scores of the items by one scorer: scores[item][axis], in the order of env.axes. */
export async function scoreItems(env: ReviewEnv, scorer: string, items: readonly GoldItem[]): Promise<ScoreRow[][]> {
  const { ref, descriptor } = scorerByName(scorer);
  if (descriptor.needsModels.length > 0) {
    throw new ReviewInputError(`the ${scorer} scorer needs pretrained models (${descriptor.needsModels.join(', ')}), which the server does not load; review with a scorer that needs none, or run \`stance eval --scorer ${scorer}\``);
  }
  return descriptor.scoreTexts({ db: env.db, axes: env.axes, config: env.config, lexicon: env.lexicon, inference: undefined }, ref, items.map((i) => i.text), env.settings(scorer));
}

/**
 * One scorer's view of an item on an axis: label, score, relevance and the four label
 * probabilities, the same distribution `stance eval` checks (a trained or ensemble scorer's own,
 * else the one derived from the pole probabilities and relevance).
 */
export interface ScorerView {
  label: string;
  score: number;
  relevance: number;
  probabilities: Record<string, number>;
}

/** An item where the chosen scorer and gold disagree on at least one axis (of the filter). */
export interface Disagreement {
  item: GoldItem;
  /** The axes where they disagree (within the filter). */
  axes: string[];
  /** views[scorer][axis] for every scorer scored. */
  views: Record<string, Record<string, ScorerView>>;
}

export interface DisagreementFilter {
  axis?: string;
  /** Gold label on the (filtered) axis. */
  gold?: string;
  /** The chosen scorer's label on the (filtered) axis. */
  predicted?: string;
}

/**
 * The items where `scorer` disagrees with gold, in set order, each with every scorer's labels
 * and probabilities. scores[name][item][axis] must hold the chosen scorer.
 */
export function disagreements(axes: readonly Axis[], items: readonly GoldItem[], scores: Readonly<Record<string, ScoreRow[][]>>, scorer: string, filter: DisagreementFilter = {}): Disagreement[] {
  const chosen = scores[scorer];
  if (!chosen) throw new Error(`no scores for ${scorer}`);
  const out: Disagreement[] = [];
  items.forEach((item, i) => {
    const hit = axes.flatMap((axis, x) => {
      if (filter.axis !== undefined && axis.slug !== filter.axis) return [];
      const gold = item.labels[axis.slug];
      const predicted = chosen[i]?.[x]?.label;
      if (gold === undefined || predicted === undefined || gold === predicted) return [];
      if (filter.gold !== undefined && gold !== filter.gold) return [];
      if (filter.predicted !== undefined && predicted !== filter.predicted) return [];
      return [axis.slug];
    });
    if (hit.length === 0) return;
    const views: Disagreement['views'] = {};
    for (const [name, rows] of Object.entries(scores)) {
      views[name] = Object.fromEntries(
        axes.flatMap((axis, x) => {
          const s = rows[i]?.[x];
          return s ? [[axis.slug, { label: s.label, score: s.score, relevance: s.relevance, probabilities: evalLabelDistribution(toEvalAxis(axis), s) }]] : [];
        }),
      );
    }
    out.push({ item, axes: hit, views });
  });
  return out;
}

const REVIEWER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/** The tagging file of a reviewer for a gold set: <reviewDir>/<set name without .jsonl>.<reviewer>.jsonl. */
export function reviewerFile(reviewDir: string, setName: string, reviewer: string): string {
  if (!REVIEWER.test(reviewer)) throw new ReviewInputError(`reviewer names are 1-40 letters, digits, - or _, starting with a letter or digit; got "${reviewer}"`);
  return join(reviewDir, `${basename(setName, '.jsonl')}.${reviewer}.jsonl`);
}

/** A reviewer's labels read from their tagging file, by item id (empty when there is none yet). */
export function readReviewerLabels(file: string): Map<string, { labels: Record<string, string>; note?: string }> {
  const out = new Map<string, { labels: Record<string, string>; note?: string }>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const o = JSON.parse(line) as { id: string; labels: Record<string, string>; note?: string };
    out.set(o.id, { labels: o.labels, ...(o.note !== undefined && { note: o.note }) });
  }
  return out;
}

/**
 * Records a reviewer's labels for one item (every axis, as the gold format needs) into their
 * tagging file: the item's line is replaced if there is one, else appended; the file is written
 * whole to a temporary name and renamed, so a reader never sees half a line. Refuses to write to
 * the gold set itself.
 */
export function recordReviewerLabel(opts: { file: string; goldFile: string; item: GoldItem; axes: readonly Axis[]; labels: Record<string, string>; note?: string }): void {
  if (resolve(opts.file) === resolve(opts.goldFile)) throw new ReviewInputError('the tagging file would be the gold set itself; configure STANCE_REVIEW_DIR to another folder');
  const labels: Record<string, string> = {};
  for (const axis of opts.axes) {
    const label = opts.labels[axis.slug];
    const allowed = axisLabels(toEvalAxis(axis));
    if (label === undefined || !allowed.includes(label)) throw new ReviewInputError(`label for ${axis.slug} must be one of ${allowed.join(', ')}; got ${label === undefined ? 'none' : `"${label}"`}`);
    labels[axis.slug] = label;
  }
  const unknown = Object.keys(opts.labels).filter((k) => !opts.axes.some((a) => a.slug === k));
  if (unknown.length) throw new ReviewInputError(`unknown axes: ${unknown.join(', ')}`);
  const { item } = opts;
  const line = JSON.stringify({ id: item.id, text: item.text, source: item.source, ...(item.doc !== undefined && { doc: item.doc }), labels, split: item.split, ...(opts.note ? { note: opts.note } : {}) });
  const lines = existsSync(opts.file) ? readFileSync(opts.file, 'utf8').split('\n').filter((l) => l.trim() !== '') : [];
  const at = lines.findIndex((l) => (JSON.parse(l) as { id?: string }).id === item.id);
  if (at === -1) lines.push(line);
  else lines[at] = line;
  mkdirSync(dirname(opts.file), { recursive: true });
  const tmp = `${opts.file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${lines.join('\n')}\n`);
  renameSync(tmp, opts.file);
}
