/** A split of a gold set, as training records and evaluation name it. */
export type Split = 'dev' | 'test' | 'all';

/** Something a scorer's output was fitted on: a model or a threshold profile, and the split of its training items. */
export interface Fitting {
  /** What was fitted ("trained:default", "threshold profile dev-2024-06"). */
  what: string;
  split: Split;
}

/** True when the items of the two splits overlap: the same split, or either is all of the set. */
export function splitsOverlap(a: Split, b: Split): boolean {
  return a === 'all' || b === 'all' || a === b;
}

/**
 * The plain note for a scorer whose fitting saw items of the split being evaluated, or null when
 * none did. Such numbers say how well the model memorised its training items, not how well it
 * labels new passages; they are reported as measured, with this note next to them.
 */
export function inSampleNote(fittings: readonly Fitting[], evaluated: Split): string | null {
  const seen = fittings.filter((f) => splitsOverlap(f.split, evaluated));
  if (seen.length === 0) return null;
  const splits = [...new Set(seen.map((f) => f.split))].join(' and ');
  return `in-sample: fitted on ${splits} (${seen.map((f) => f.what).join(', ')}), these numbers are not an estimate of accuracy`;
}
