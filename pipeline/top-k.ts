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
