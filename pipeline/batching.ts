/**
 * Runs fn over items in batches of similar length, and returns results in the input order.
 * Sorting by length first keeps padding (wasted compute on pad tokens) small in every batch.
 */
export async function inLengthSortedBatches<T, R>(
  items: T[],
  lengthOf: (item: T) => number,
  batchSize: number,
  fn: (batch: T[]) => Promise<R[]>,
): Promise<R[]> {
  const order = items.map((_, i) => i).sort((a, b) => lengthOf(items[a] as T) - lengthOf(items[b] as T));
  const results = new Array<R>(items.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const idx = order.slice(start, start + batchSize);
    const out = await fn(idx.map((i) => items[i] as T));
    if (out.length !== idx.length) throw new Error(`batch returned ${out.length} results for ${idx.length} inputs`);
    idx.forEach((i, k) => (results[i] = out[k] as R));
  }
  return results;
}
