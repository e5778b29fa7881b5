/** Dot product; equals the cosine for L2-normalized vectors. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`vector dimensions differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/** Scales a vector to unit length (a zero vector stays zero). */
export function l2Normalize(v: ArrayLike<number>): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += (v[i] ?? 0) ** 2;
  const norm = Math.sqrt(n);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = norm > 0 ? (v[i] ?? 0) / norm : 0;
  return out;
}

/** The normalized mean of vectors of equal dimension. */
export function meanNormalized(vectors: ArrayLike<number>[]): Float32Array {
  const first = vectors[0];
  if (!first) throw new Error('cannot average zero vectors');
  const sum = new Float64Array(first.length);
  for (const v of vectors) for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] ?? 0) + (v[i] ?? 0);
  return l2Normalize(sum);
}
