import { createHash } from 'node:crypto';
import { z } from 'zod';
import { axisLabels, type EvalAxis } from './axis.ts';

/** Which part of the gold set an item belongs to. */
export type Split = 'dev' | 'test';

/** One hand-labelled passage of the gold set. */
export interface GoldItem {
  id: string;
  text: string;
  source: string;
  /** The document the passage comes from, for grouping in cross-validation. */
  doc?: string;
  /** One label per axis, keyed by axis slug; every axis given to the parser is present. */
  labels: Record<string, string>;
  split: Split;
  note?: string;
  /** Who tagged the item, when the file says (eval/train-extra.jsonl: an AI annotator session). */
  annotator?: string;
  /** 1-based line of the item in the file, for messages about it later. */
  line: number;
}

/** Error in a gold-set file, located by file name, 1-based line and (when known) field. */
export class GoldSetError extends Error {
  override name = 'GoldSetError';
  readonly file: string;
  readonly line: number;
  readonly field: string | undefined;

  constructor(file: string, line: number, field: string | undefined, detail: string, options?: ErrorOptions) {
    super(`${file}:${line}: ${field === undefined ? '' : `${field}: `}${detail}`, options);
    this.file = file;
    this.line = line;
    this.field = field;
  }
}

// Messages say what is wrong in the annotator's terms; zod's defaults speak of types.
const required = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is missing' : `must be ${what}, got ${JSON.stringify(issue.input)}`;
const nonEmptyString = z.string({ error: required('a string') }).refine((s) => s.trim() !== '', 'must not be empty');

// Strict: an unknown field is most likely a misspelt known one ("lables", "notes"), whose
// content would otherwise be lost without a word.
const lineSchema = z.strictObject(
  {
    id: nonEmptyString,
    text: nonEmptyString,
    source: nonEmptyString,
    doc: nonEmptyString.optional(),
    labels: z.record(z.string(), z.string({ error: required('a string') }), { error: required('an object') }),
    split: z.enum(['dev', 'test'], { error: required('"dev" or "test"') }),
    note: z.string({ error: required('a string') }).optional(),
    annotator: nonEmptyString.optional(),
  },
  { error: required('a JSON object') },
);

/**
 * Parses gold-set JSONL text (one item per line; blank lines skipped) against the given axes.
 * `file` only names the source in messages. Stops at the first error with a GoldSetError
 * naming file, line and field: invalid JSON, a missing, invalid or unknown field, an unknown
 * axis slug, a label that is not one of its axis's four, a missing axis label (every item must
 * label every axis; "irrelevant" is the label for an axis that does not apply), or a duplicate id.
 */
export function parseGoldSet(text: string, file: string, axes: readonly EvalAxis[]): GoldItem[] {
  const allowed = new Map(axes.map((axis) => [axis.slug, axisLabels(axis)] as const));
  const firstLineOfId = new Map<string, number>();
  const items: GoldItem[] = [];
  // A byte-order mark would make the first line invalid JSON for no visible reason.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new GoldSetError(file, line, undefined, `invalid JSON: ${(error as Error).message}`, { cause: error });
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      if (issue?.code === 'unrecognized_keys') {
        const known = Object.keys(lineSchema.shape).join(', ');
        throw new GoldSetError(file, line, issue.keys.join(', '), `unknown field (known fields: ${known})`, { cause: parsed.error });
      }
      const field = issue === undefined || issue.path.length === 0 ? undefined : issue.path.map(String).join('.');
      throw new GoldSetError(file, line, field, issue?.message ?? 'invalid item', { cause: parsed.error });
    }
    const item = parsed.data;
    for (const [slug, label] of Object.entries(item.labels)) {
      const labels = allowed.get(slug);
      if (labels === undefined) {
        throw new GoldSetError(file, line, `labels.${slug}`, `unknown axis "${slug}" (known axes: ${[...allowed.keys()].join(', ')})`);
      }
      if (!labels.includes(label)) {
        throw new GoldSetError(file, line, `labels.${slug}`, `unknown label "${label}" for axis ${slug} (allowed: ${labels.join(', ')})`);
      }
    }
    for (const slug of allowed.keys()) {
      if (!Object.hasOwn(item.labels, slug)) {
        throw new GoldSetError(file, line, `labels.${slug}`, `missing label for axis ${slug} (use "irrelevant" if the axis does not apply)`);
      }
    }
    const firstLine = firstLineOfId.get(item.id);
    if (firstLine !== undefined) {
      throw new GoldSetError(file, line, 'id', `duplicate id "${item.id}" (first used on line ${firstLine})`);
    }
    firstLineOfId.set(item.id, line);
    items.push({ ...item, line });
  });
  return items;
}

/** The items of one split, or all items for 'all'. */
export function filterSplit(items: readonly GoldItem[], split: Split | 'all'): GoldItem[] {
  return split === 'all' ? [...items] : items.filter((item) => item.split === split);
}

/** The gold label of each item on one axis, in item order; throws if an item lacks it. */
export function goldLabels(items: readonly GoldItem[], axisSlug: string): string[] {
  return items.map((item) => {
    const label = Object.hasOwn(item.labels, axisSlug) ? item.labels[axisSlug] : undefined;
    if (label === undefined) throw new Error(`gold item ${item.id} (line ${item.line}) has no label for axis ${axisSlug}`);
    return label;
  });
}

/** SHA-256 (hex) of the gold-set file content, to record exactly which set was evaluated. */
export function setHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A document whose passages lie in more than one split, with the ids in each split. */
export interface SplitConflict {
  doc: string;
  ids: Record<Split, string[]>;
  /** Line of the first item of the document in the split it reaches second, for the message. */
  line: number;
}

/** Documents whose items are in both splits, in file order (items without `doc` are not grouped). */
export function documentsInTwoSplits(items: readonly GoldItem[]): SplitConflict[] {
  const byDoc = new Map<string, { ids: Record<Split, string[]>; lines: Record<Split, number[]> }>();
  for (const item of items) {
    if (item.doc === undefined) continue;
    let entry = byDoc.get(item.doc);
    if (entry === undefined) {
      entry = { ids: { dev: [], test: [] }, lines: { dev: [], test: [] } };
      byDoc.set(item.doc, entry);
    }
    entry.ids[item.split].push(item.id);
    entry.lines[item.split].push(item.line);
  }
  return [...byDoc]
    .filter(([, e]) => e.ids.dev.length > 0 && e.ids.test.length > 0)
    .map(([doc, e]) => ({ doc, ids: e.ids, line: Math.max(e.lines.dev[0] ?? 0, e.lines.test[0] ?? 0) }));
}

/** For each split that has items: the labels of each axis that no item of the split carries, as warnings. */
export function missingLabelWarnings(items: readonly GoldItem[], axes: readonly EvalAxis[]): string[] {
  const warnings: string[] = [];
  for (const split of ['dev', 'test'] as const) {
    const inSplit = filterSplit(items, split);
    if (inSplit.length === 0) continue;
    for (const axis of axes) {
      const used = new Set(goldLabels(inSplit, axis.slug));
      const missing = axisLabels(axis).filter((label) => !used.has(label));
      if (missing.length > 0) {
        warnings.push(
          `the ${split} split (${inSplit.length} item(s)) has no item labelled ${missing.map((l) => `"${l}"`).join(', ')} on axis ${axis.slug}: ` +
            'per-label metrics for it are undefined there; add items with that label to the split',
        );
      }
    }
  }
  return warnings;
}

/**
 * Checks a parsed set as a whole. Throws a GoldSetError naming every document that appears in
 * both splits, with its ids per split (the split is by document, so scores on test would be
 * tuned on the same texts); returns warnings for labels a split lacks entirely.
 */
export function checkGoldSet(items: readonly GoldItem[], file: string, axes: readonly EvalAxis[]): string[] {
  const conflicts = documentsInTwoSplits(items);
  const [first] = conflicts;
  if (first !== undefined) {
    const each = conflicts.map((c) => `document "${c.doc}" is in both splits: dev (${c.ids.dev.join(', ')}) and test (${c.ids.test.join(', ')})`);
    throw new GoldSetError(
      file,
      first.line,
      'split',
      `${each.join('; ')}. All passages of a document must be in one split: give them the same "split"`,
    );
  }
  return missingLabelWarnings(items, axes);
}
