import { readFileSync } from 'node:fs';
import type { EvalAxis } from '../eval/axis.ts';
import { parseGoldSet, type GoldItem, type Split } from '../eval/gold-set.ts';
import { EvalInputError } from './eval-errors.ts';
import { projectFile } from '../config/project-files.ts';

/** The project's extra training passages (training data only, never an evaluation set): what the default model is also trained on. */
export const DEFAULT_EXTRA_SET = projectFile('eval/train-extra.jsonl');

/**
 * Reads extra training files (gold format) and checks them against the set (extraItemProblems):
 * the items, marked train-only. Refused items throw an EvalInputError listing the problems.
 */
export function readExtraItems(files: readonly string[], setItems: readonly GoldItem[], split: Split | 'all', axes: readonly EvalAxis[]): (GoldItem & { trainOnly: true })[] {
  if (files.length === 0) return [];
  if (split === 'all') throw new EvalInputError('--extra needs --split dev or test: with all, no split would stay held out to check the extra items against');
  const fileOf = new Map<GoldItem, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new EvalInputError(`cannot read the extra training file ${file}: ${(error as Error).message}`, { cause: error });
    }
    for (const item of parseGoldSet(text, file, axes)) fileOf.set(item, file);
  }
  const extra = [...fileOf.keys()];
  const problems = extraItemProblems(extra, setItems, split, (item) => fileOf.get(item) ?? '?');
  if (problems.length > 0) {
    const shown = problems.slice(0, 10);
    throw new EvalInputError(`extra training items refused:\n  ${shown.join('\n  ')}${problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : ''}`);
  }
  return extra.map((item) => ({ ...item, trainOnly: true as const }));
}

/**
 * Checks of extra training items (`stance train --extra FILE`) against the labelled set they
 * are trained with. Extra items are training data only: they must never carry a held-out
 * passage into training, so an item is refused when it belongs to another split, comes from a
 * document of the other split, has no document (its split could not be checked and it could
 * not be grouped with its document's folds), reuses an id, or repeats the text of a passage of
 * the set (either split) or of another extra item.
 */
export function extraItemProblems(extra: readonly GoldItem[], set: readonly GoldItem[], split: Split, file: (item: GoldItem) => string): string[] {
  const problems: string[] = [];
  const at = (item: GoldItem) => `${file(item)}:${item.line} (${item.id})`;
  const docsOfOtherSplit = new Set(set.filter((i) => i.split !== split && i.doc !== undefined).map((i) => i.doc));
  const setIds = new Set(set.map((i) => i.id));
  const seen = set.map((item) => ({ text: comparable(item.text), where: `${item.id} of the set` }));
  const extraIds = new Map<string, string>();
  for (const item of extra) {
    if (item.split !== split) problems.push(`${at(item)}: split "${item.split}": extra items must be of the training split (${split})`);
    if (item.doc === undefined) problems.push(`${at(item)}: no "doc": an extra item needs its document, to check its split and to share its document's folds`);
    else if (docsOfOtherSplit.has(item.doc)) problems.push(`${at(item)}: document ${item.doc} is in the ${split === 'dev' ? 'test' : 'dev'} split of the set: its passages may not be trained on`);
    if (setIds.has(item.id)) problems.push(`${at(item)}: id ${item.id} is already an id of the set`);
    const earlier = extraIds.get(item.id);
    if (earlier !== undefined) problems.push(`${at(item)}: id ${item.id} is also used by ${earlier}`);
    extraIds.set(item.id, at(item));
    const text = comparable(item.text);
    const overlap = seen.find((s) => overlaps(s.text, text));
    if (overlap) problems.push(`${at(item)}: its text repeats ${overlap.where} (the same passage, one inside the other, or a shared sentence)`);
    seen.push({ text, where: at(item) });
  }
  return problems;
}

/** Lowercase NFKC letters and digits, every other run as one space: what "the same text" compares. */
export function normalisedText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Sentences of at least this many words count as shared text; shorter ones ("Ladies and gentlemen.") recur by chance. */
const MIN_SHARED_SENTENCE_WORDS = 6;

/** A passage as overlap compares it: its normalised text padded with spaces (whole words match) and its longer sentences. */
interface Comparable {
  padded: string;
  sentences: Set<string>;
}

function comparable(text: string): Comparable {
  const sentences = text
    .split(/(?<=[.!?])\s+/u)
    .map(normalisedText)
    .filter((s) => s.split(' ').length >= MIN_SHARED_SENTENCE_WORDS);
  return { padded: ` ${normalisedText(text)} `, sentences: new Set(sentences) };
}

function overlaps(a: Comparable, b: Comparable): boolean {
  if (a.padded.trim() === '' || b.padded.trim() === '') return false;
  if (a.padded.includes(b.padded) || b.padded.includes(a.padded)) return true;
  return [...b.sentences].some((s) => a.sentences.has(s));
}

/**
 * Whether two passages hold the same text: equal or one inside the other (whole words, after
 * normalising), or a sentence of six or more words in common (a re-cut of the same sentences).
 * Passages that only share a phrase ("The Commission will engage with all stakeholders to") do
 * not overlap.
 */
export function passagesOverlap(a: string, b: string): boolean {
  return overlaps(comparable(a), comparable(b));
}
