/** A sparse feature vector: column indices in increasing order and their values. */
export interface SparseRow {
  indices: readonly number[];
  values: readonly number[];
}

/** Dot product of a sparse row with the slice weights[offset .. offset + dimension). */
export function sparseDot(row: SparseRow, weights: ArrayLike<number>, offset: number): number {
  let s = 0;
  for (let j = 0; j < row.indices.length; j++) s += (weights[offset + (row.indices[j] as number)] as number) * (row.values[j] as number);
  return s;
}

/** The row scaled to unit Euclidean length (an all-zero row stays zero). */
export function l2Normalize(row: SparseRow): SparseRow {
  const norm = Math.sqrt(row.values.reduce((s, v) => s + v * v, 0));
  return norm === 0 ? row : { indices: row.indices, values: row.values.map((v) => v / norm) };
}

/** Concatenates sparse rows side by side: `b`'s columns are shifted by `width` (the column count of `a`). */
export function concatRows(a: SparseRow, b: SparseRow, width: number): SparseRow {
  return { indices: [...a.indices, ...b.indices.map((i) => i + width)], values: [...a.values, ...b.values] };
}
