import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../axes.ts';

/** A pole term and its weight (default 1): how much one hit counts toward the pole. */
export interface WeightedTerm {
  term: string;
  weight: number;
}

/** The lexicon of one axis: weighted terms per pole slug, and optional label thresholds. */
export interface AxisLexicon {
  poles: Record<string, WeightedTerm[]>;
  thresholds?: { relevance: number; margin: number };
}

/** The dictionary-coding settings and terms of every axis (config/lexicon.json). */
export interface LexiconFile {
  /** Negation cues ("not", "rather than") and how many words before a term they reach. */
  negation: { cues: string[]; window: number };
  /** Additive smoothing of the pole probabilities: pA = (wA + s) / (wA + wB + 2s). */
  smoothing: number;
  /** Weighted hits per word at which relevance reaches 1 - 1/e (relevance = 1 - exp(-density / this)). */
  relevanceScale: number;
  /** Texts shorter than this many words count as this long, so one hit in a heading is not "fully relevant". */
  minWords: number;
  axes: Record<string, AxisLexicon>;
  /** Hash of everything above: part of the lexicon scorer's version. */
  version: string;
}

/** A lexicon file that is malformed or does not fit the axes; the message names the place. */
export class LexiconFileError extends Error {
  override name = 'LexiconFileError';
}

const term = z.union([
  z.string().trim().min(1, 'terms must not be blank'),
  z.object({ term: z.string().trim().min(1, 'terms must not be blank'), weight: z.number().positive('weights must be > 0') }).strict(),
]);

const schema = z
  .object({
    $comment: z.string().optional(),
    negation: z.object({ cues: z.array(z.string().trim().min(1)), window: z.number().int().min(0).max(10) }).strict(),
    smoothing: z.number().positive(),
    relevance_scale: z.number().positive(),
    min_words: z.number().int().min(1),
    axes: z.record(
      z.string().min(1),
      z
        .object({
          $comment: z.string().optional(),
          thresholds: z.object({ relevance: z.number().min(0).max(1), margin: z.number().min(0).max(1) }).strict().optional(),
          poles: z.record(z.string().min(1), z.array(term)),
        })
        .strict(),
    ),
  })
  .strict();

/** Lowercased with single spaces: the form terms and cues are matched in. */
export function normalizeTerm(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Validates parsed JSON as a lexicon file; `source` names it in error messages. */
export function parseLexiconFile(json: unknown, source: string): LexiconFile {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    throw new LexiconFileError(`${source}: ${where}: ${issue?.message ?? 'invalid lexicon'}`, { cause: parsed.error });
  }
  const d = parsed.data;
  const axes: Record<string, AxisLexicon> = {};
  for (const [slug, entry] of Object.entries(d.axes)) {
    const poles: Record<string, WeightedTerm[]> = {};
    const seen = new Map<string, string>();
    for (const [pole, terms] of Object.entries(entry.poles)) {
      poles[pole] = terms.map((t) => {
        const w = typeof t === 'string' ? { term: normalizeTerm(t), weight: 1 } : { term: normalizeTerm(t.term), weight: t.weight };
        const other = seen.get(w.term);
        // A term under both poles would cancel itself; under one pole twice it would count twice.
        if (other !== undefined) throw new LexiconFileError(`${source}: axes.${slug}: term "${w.term}" is listed twice (poles ${other} and ${pole}); keep one`);
        seen.set(w.term, pole);
        return w;
      });
    }
    axes[slug] = { poles, ...(entry.thresholds && { thresholds: entry.thresholds }) };
  }
  const body = {
    negation: { cues: d.negation.cues.map(normalizeTerm), window: d.negation.window },
    smoothing: d.smoothing,
    relevanceScale: d.relevance_scale,
    minWords: d.min_words,
    axes,
  };
  return { ...body, version: createHash('sha256').update(canonicalJson(body)).digest('hex').slice(0, 12) };
}

/**
 * The lexicon of one axis, checked against the axis's poles: an entry with exactly its two
 * poles, in the axis's order.
 */
export function axisLexicon(file: LexiconFile, axis: { slug: string; poles: readonly [string, string] }, source = 'lexicon'): { a: WeightedTerm[]; b: WeightedTerm[]; thresholds?: AxisLexicon['thresholds'] } {
  const entry = Object.hasOwn(file.axes, axis.slug) ? file.axes[axis.slug] : undefined;
  if (!entry) throw new LexiconFileError(`${source} has no entry for axis "${axis.slug}" (it has: ${Object.keys(file.axes).join(', ') || 'none'}); add one with terms for poles ${axis.poles.join(' and ')}`);
  const unknown = Object.keys(entry.poles).filter((p) => !axis.poles.includes(p));
  if (unknown.length > 0) throw new LexiconFileError(`${source}: axis "${axis.slug}" has unknown pole(s) ${unknown.join(', ')} (poles: ${axis.poles.join(', ')})`);
  const [a, b] = axis.poles.map((pole) => {
    const terms = entry.poles[pole];
    if (!terms) throw new LexiconFileError(`${source}: axis "${axis.slug}" has no terms for pole "${pole}"`);
    return terms;
  }) as [WeightedTerm[], WeightedTerm[]];
  return { a, b, ...(entry.thresholds && { thresholds: entry.thresholds }) };
}
