import { createRng } from '../../pipeline/stats/random.ts';
import { MetricInputError } from './validate.ts';

/** A percentile interval, or null when too few replicates gave a defined value. */
export type Interval = [number, number] | null;

export const DEFAULT_REPLICATES = 2000;

/**
 * Document resamples. Passages of one document are not independent (same author, same
 * wording), so the document, not the passage, is what is resampled: each replicate draws as
 * many documents as there are, with replacement, and takes every item of each drawn document
 * as often as the document was drawn.
 */
export interface DocumentResamples {
  /** Document index of each item (documents numbered in order of first appearance). */
  itemDoc: Int32Array;
  nDocs: number;
  /** Per replicate, how many times each document was drawn. */
  counts: Uint32Array[];
}

/** Draws `replicates` document resamples with the seed; the same groups and seed give the same resamples. */
export function documentResamples(groups: readonly string[], replicates: number, seed: number): DocumentResamples {
  if (!Number.isInteger(replicates) || replicates < 1) throw new MetricInputError(`replicates must be a whole number >= 1, got ${replicates}`);
  const docIndex = new Map<string, number>();
  const itemDoc = Int32Array.from(groups, (g) => {
    let d = docIndex.get(g);
    if (d === undefined) {
      d = docIndex.size;
      docIndex.set(g, d);
    }
    return d;
  });
  const nDocs = docIndex.size;
  const rng = createRng(seed);
  const counts: Uint32Array[] = [];
  if (nDocs === 0) return { itemDoc, nDocs, counts };
  for (let r = 0; r < replicates; r++) {
    const c = new Uint32Array(nDocs);
    for (let k = 0; k < nDocs; k++) {
      const d = rng.int(nDocs);
      c[d] = (c[d] as number) + 1;
    }
    counts.push(c);
  }
  return { itemDoc, nDocs, counts };
}

/** The item indices of replicate r, each item repeated as often as its document was drawn (for checks and simple metrics). */
export function resampledItems(resamples: DocumentResamples, r: number): number[] {
  const counts = resamples.counts[r];
  if (counts === undefined) throw new MetricInputError(`no replicate ${r}`);
  const out: number[] = [];
  for (let d = 0; d < resamples.nDocs; d++) {
    for (let i = 0; i < resamples.itemDoc.length; i++) if (resamples.itemDoc[i] === d) for (let k = 0; k < (counts[d] as number); k++) out.push(i);
  }
  return out;
}

/**
 * Per replicate, the sum over the resampled items of a per-item vector of statistics (of
 * length `width`, written by `fill`): item statistics are summed per document once, then each
 * replicate weights the document sums by its draw counts, so a replicate costs documents x
 * width, not items. Any metric that is a function of summed counts (a confusion matrix, the
 * bins of ECE) is then computed exactly on each replicate.
 */
export function resampledSums(resamples: DocumentResamples, width: number, fill: (item: number, out: Float64Array) => void): Float64Array[] {
  const perDoc = Array.from({ length: resamples.nDocs }, () => new Float64Array(width));
  const scratch = new Float64Array(width);
  for (let i = 0; i < resamples.itemDoc.length; i++) {
    scratch.fill(0);
    fill(i, scratch);
    const sum = perDoc[resamples.itemDoc[i] as number] as Float64Array;
    for (let j = 0; j < width; j++) sum[j] = (sum[j] as number) + (scratch[j] as number);
  }
  return resamples.counts.map((counts) => {
    const total = new Float64Array(width);
    for (let d = 0; d < resamples.nDocs; d++) {
      const c = counts[d] as number;
      if (c === 0) continue;
      const sum = perDoc[d] as Float64Array;
      for (let j = 0; j < width; j++) total[j] = (total[j] as number) + c * (sum[j] as number);
    }
    return total;
  });
}

/**
 * The percentile interval of the defined (finite) values: the (1-level)/2 and (1+level)/2
 * quantiles with linear interpolation between order statistics (type 7, numpy's default).
 * Null when fewer than half of the replicates are defined: an interval of the few that are
 * would describe another population than the one measured.
 */
export function percentileInterval(values: readonly number[], level = 0.95): Interval {
  if (!(level > 0 && level < 1)) throw new MetricInputError(`level must be in (0, 1), got ${level}`);
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0 || finite.length * 2 < values.length) return null;
  const q = (p: number) => {
    const h = (finite.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, finite.length - 1);
    return (finite[lo] as number) + (h - lo) * ((finite[hi] as number) - (finite[lo] as number));
  };
  return [q((1 - level) / 2), q((1 + level) / 2)];
}
