import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { nearestRows, type Scored } from '../../pipeline/top-k.ts';
import { dot } from '../../pipeline/vectors.ts';

// Rows per load query: bounds the memory of one result set while the index fills.
const LOAD_PAGE = 10_000;

/**
 * The stored embeddings of one model in memory, for `stance serve`: a row-major Float32Array
 * with each row's chunk id and source id, loaded once and brought up to date on every query
 * (rows with a chunk id above the highest loaded, cheap through the primary key), with a full
 * reload when a periodic check of count and id sum shows changes elsewhere (deleted documents,
 * chunks embedded out of order by concurrent workers).
 */
export class EmbeddingIndex {
  private ids = new Int32Array(0);
  private sources = new Int32Array(0);
  private data = new Float32Array(0);
  private dim = 0;
  private size = 0;
  private idSum = 0;
  private maxId = 0;
  /** The largest L2 norm of a loaded row: bounds the rounding error of the scan (nearestRows). */
  private maxNorm = 0;
  private lastCheck = -Infinity;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    readonly modelId: number,
    /** How often (ms) a refresh also checks count and id sum against the store; 0: every time. */
    private readonly checkEveryMs = 5_000,
  ) {}

  /** Rows in memory. */
  get count(): number {
    return this.size;
  }

  /** Brings the index up to date (one refresh at a time; concurrent callers share it). */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    await this.loadAfter(this.maxId);
    const now = Date.now();
    if (now - this.lastCheck < this.checkEveryMs) return;
    this.lastCheck = now;
    const [row] = await queryRows<{ n: number; s: string | number }>(
      this.db,
      sql`select count(*)::int as n, coalesce(sum(chunk_id), 0)::text as s from embeddings where model_id = ${this.modelId}`,
    );
    if ((row?.n ?? 0) === this.size && Number(row?.s ?? 0) === this.idSum) return;
    this.size = 0;
    this.idSum = 0;
    this.maxId = 0;
    this.maxNorm = 0;
    await this.loadAfter(0);
  }

  private async loadAfter(fromId: number): Promise<void> {
    let after = fromId;
    for (;;) {
      // array_send: the vector in Postgres's binary array format, exact and cheap to read (no decimal text).
      const rows = await queryRows<{ chunk_id: number; source_id: number; v: Uint8Array }>(
        this.db,
        sql`select e.chunk_id, d.source_id, array_send(e.vector) as v
            from embeddings e join chunks c on c.id = e.chunk_id join documents d on d.id = c.document_id
            where e.model_id = ${this.modelId} and e.chunk_id > ${after}
            order by e.chunk_id limit ${LOAD_PAGE}`,
      );
      for (const r of rows) this.append(r.chunk_id, r.source_id, r.v);
      if (rows.length < LOAD_PAGE) return;
      after = (rows.at(-1) as { chunk_id: number }).chunk_id;
    }
  }

  private append(chunkId: number, sourceId: number, bytes: Uint8Array): void {
    const vector = readFloat4Array(bytes);
    if (this.size === 0) this.dim = vector.length;
    if (vector.length !== this.dim) throw new Error(`embedding of chunk ${chunkId} has ${vector.length} dimensions, the others ${this.dim}`);
    if (this.size === this.ids.length) this.grow(Math.max(1024, this.size * 2));
    this.ids[this.size] = chunkId;
    this.sources[this.size] = sourceId;
    this.data.set(vector, this.size * this.dim);
    const squares = dot(vector, vector);
    // NaN when the vector holds one: the scan then scores every row the exact way.
    this.maxNorm = Number.isNaN(squares) ? Number.NaN : Math.max(this.maxNorm, Math.sqrt(squares));
    this.size++;
    this.idSum += chunkId;
    this.maxId = Math.max(this.maxId, chunkId);
  }

  private grow(capacity: number): void {
    const ids = new Int32Array(capacity);
    ids.set(this.ids.subarray(0, this.size));
    const sources = new Int32Array(capacity);
    sources.set(this.sources.subarray(0, this.size));
    const data = new Float32Array(capacity * this.dim);
    data.set(this.data.subarray(0, this.size * this.dim));
    this.ids = ids;
    this.sources = sources;
    this.data = data;
  }

  /**
   * The k rows nearest to a unit vector by dot product (cosine), best first, ties by chunk id:
   * the order and similarities of the SQL path. Skips chunk `skipId` and rows of source `skipSourceId`.
   */
  nearest(query: ArrayLike<number>, k: number, skip: { skipId?: number; skipSourceId?: number } = {}): Scored[] {
    if (this.size === 0) return [];
    if (query.length !== this.dim) throw new Error(`the query has ${query.length} dimensions, the stored embeddings ${this.dim}`);
    const q = Float32Array.from(query, (x) => (Number.isFinite(x) ? x : 0));
    const { ids, sources } = this;
    const include = (i: number) => ids[i] !== skip.skipId && sources[i] !== skip.skipSourceId;
    return nearestRows({ data: this.data, dim: this.dim, size: this.size, ids }, q, k, this.maxNorm, include);
  }
}

/** Reads Postgres's binary array format (array_send) of a one-dimensional real[] (big-endian float4 elements). */
export function readFloat4Array(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ndim = view.getInt32(0);
  if (ndim === 0) return new Float32Array(0);
  if (ndim !== 1) throw new Error(`expected a one-dimensional array, got ${ndim} dimensions`);
  const n = view.getInt32(12);
  const out = new Float32Array(n);
  let at = 20;
  for (let i = 0; i < n; i++) {
    const len = view.getInt32(at);
    at += 4;
    if (len === -1) {
      out[i] = 0;
      continue;
    }
    out[i] = view.getFloat32(at);
    at += len;
  }
  return out;
}
