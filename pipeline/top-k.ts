import { dot } from './vectors.ts';

/** A scored item: an id and its similarity. */
export interface Scored {
  id: number;
  score: number;
}

// Order of a result list: higher score first, then the lower id (as SQL's "order by similarity desc, id").
function better(a: Scored, b: Scored): boolean {
  return a.score > b.score || (a.score === b.score && a.id < b.id);
}

/**
 * The k best items seen, kept in a min-heap of size k whose root is the worst kept item, so each
 * new item costs one comparison unless it beats the root (O(n log k) for n items).
 */
export class TopK {
  private readonly heap: Scored[] = [];
  constructor(private readonly k: number) {}

  /** Offers an item; kept when among the k best so far. */
  offer(id: number, score: number): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push({ id, score });
      this.up(h.length - 1);
      return;
    }
    const root = h[0];
    // Most items of a scan lose to the root: decide before allocating anything.
    if (!root || !(score > root.score || (score === root.score && id < root.id))) return;
    h[0] = { id, score };
    this.down(0);
  }

  /** The kept items, best first. */
  sorted(): Scored[] {
    return [...this.heap].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!better(h[parent] as Scored, h[i] as Scored)) break;
      [h[parent], h[i]] = [h[i] as Scored, h[parent] as Scored];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < h.length && better(h[worst] as Scored, h[l] as Scored)) worst = l;
      if (r < h.length && better(h[worst] as Scored, h[r] as Scored)) worst = r;
      if (worst === i) return;
      [h[worst], h[i]] = [h[i] as Scored, h[worst] as Scored];
      i = worst;
    }
  }
}

/**
 * Dot product of row `row` of a row-major matrix with a query, in single precision step by step:
 * each product and each partial sum rounded to float32, as Postgres computes
 * sum(a * b) over real[] (float4mul, float4pl), so the in-memory scan returns the SQL path's
 * similarities bit for bit. (A product of two float32 is exact in a double, and a double sum
 * rounded to float32 is the correctly rounded float32 sum.)
 */
export function dotFloat32(matrix: Float32Array, row: number, dim: number, query: Float32Array): number {
  const f = Math.fround;
  let acc = 0;
  const o = row * dim;
  for (let j = 0; j < dim; j++) acc = f(acc + f((matrix[o + j] as number) * (query[j] as number)));
  return acc;
}

/**
 * A float32 value as the nearest double to its shortest decimal form, i.e. what a Postgres real
 * becomes when read as text (Postgres prints the shortest digits that read back to the same
 * float32). The in-memory scan reports similarities this way, so they equal the SQL path's.
 */
export function float32AsText(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const f = Math.fround(x);
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return Number(f.toPrecision(9));
}

/** A row-major float32 matrix of `size` rows, with the chunk id of each row. */
export interface RowMatrix {
  data: Float32Array;
  dim: number;
  size: number;
  ids: Int32Array;
}

/**
 * The k rows with the highest dotFloat32 with the query, best first, ties by lower id: exactly
 * what scoring every row with dotFloat32 into a TopK gives, in about a third of the time. The
 * float32 dot is one long chain of dependent roundings, so it runs one addition at a time. A first
 * pass computes each row's dot in double precision with four independent sums instead, which the
 * CPU overlaps; only rows that can still be in the result get the float32 dot.
 *
 * Why the cut is safe: a float32 dot of n terms errs by at most g = n u / (1 - n u) x sum |a_j q_j|
 * (u = 2^-24; Higham, Accuracy and Stability of Numerical Algorithms, 3.1), and sum |a_j q_j| <=
 * |a| |q| (Cauchy-Schwarz); the double dot's own error is negligible next to it. So a row's float32
 * dot F is within g of its double dot A, and `gap` = 4 g (margin). If T is the k-th best A, k rows
 * have F >= T - gap, so the k-th best F is at least T - gap; a row can only be in the result with
 * F at least that, i.e. with A >= T - 2 gap. `maxRowNorm` bounds |a| over the rows; `include(i)`
 * says whether row i may be returned.
 */
export function nearestRows(m: RowMatrix, query: Float32Array, k: number, maxRowNorm: number, include: (row: number) => boolean): Scored[] {
  const { data, dim, size, ids } = m;
  if (k <= 0 || size === 0) return [];
  const approx = new Float64Array(size);
  const kept = new TopK(k);
  let sawNaN = false;
  for (let i = 0; i < size; i++) {
    if (!include(i)) {
      approx[i] = Number.NaN;
      continue;
    }
    const a = dotFloat64(data, i * dim, dim, query);
    approx[i] = a;
    // NaN has no place in an order: such a row is scored exactly below, and nothing is cut.
    if (Number.isNaN(a)) sawNaN = true;
    else kept.offer(i, a);
  }
  const best = kept.sorted();
  const nu = dim * 2 ** -24;
  const gap = 4 * (nu / (1 - nu)) * maxRowNorm * Math.sqrt(dot(query, query));
  // Fewer than k rows, or a non-finite value anywhere: no threshold, every included row is scored exactly.
  const kth = best.length < k ? undefined : best[k - 1]?.score;
  const threshold = !sawNaN && kth !== undefined && Number.isFinite(kth) && Number.isFinite(gap) ? kth - 2 * gap : -Infinity;
  const top = new TopK(k);
  for (let i = 0; i < size; i++) {
    const a = approx[i] as number;
    if (Number.isNaN(a) ? !include(i) : a < threshold) continue;
    top.offer(ids[i] as number, dotFloat32(data, i, dim, query));
  }
  return top.sorted();
}

// Dot product in double precision with four running sums (independent additions the CPU overlaps).
function dotFloat64(data: Float32Array, offset: number, dim: number, q: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    s0 += (data[offset + j] as number) * (q[j] as number);
    s1 += (data[offset + j + 1] as number) * (q[j + 1] as number);
    s2 += (data[offset + j + 2] as number) * (q[j + 2] as number);
    s3 += (data[offset + j + 3] as number) * (q[j + 3] as number);
  }
  for (; j < dim; j++) s0 += (data[offset + j] as number) * (q[j] as number);
  return s0 + s1 + s2 + s3;
}
