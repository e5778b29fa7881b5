import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { float32AsText } from '../../pipeline/top-k.ts';
import { EmbeddingIndex } from './embedding-index.ts';

/** What a nearest-neighbour search is asked: the model's stored vectors nearest to a query. */
export interface NearestRequest {
  modelId: number;
  limit: number;
  /** The query vector, or the stored chunk whose vector is the query (left out of the answer). */
  query: { kind: 'vector'; vector: ArrayLike<number> } | { kind: 'chunk'; chunkId: number };
  /** A source whose chunks are left out (the query chunk's, with otherSources). */
  skipSourceId?: number;
}

/** How `similar` finds its nearest chunks: chunk ids with their cosine, best first, ties by chunk id. */
export interface NearestSearch {
  kind: 'sql' | 'memory' | 'pgvector';
  nearest(db: Db, req: NearestRequest): Promise<{ chunk_id: number; similarity: number }[]>;
}

function queryVectorSql(req: NearestRequest) {
  if (req.query.kind === 'chunk') return sql`(select e.vector from embeddings e where e.chunk_id = ${req.query.chunkId} and e.model_id = ${req.modelId})`;
  return sql`${`{${Array.from(req.query.vector, (x) => (Number.isFinite(x) ? x : 0)).join(',')}}`}::real[]`;
}

function skipsSql(req: NearestRequest) {
  const self = req.query.kind === 'chunk' ? sql`and e.chunk_id <> ${req.query.chunkId}` : sql``;
  const source = req.skipSourceId !== undefined ? sql`and d.source_id <> ${req.skipSourceId}` : sql``;
  return sql`${self} ${source}`;
}

/**
 * Exact cosine (dot product of L2-normalized vectors) computed in SQL over real[]: correct on any
 * Postgres without pgvector, but a full scan per query (seconds at 100,000 chunks).
 */
export const sqlNearest: NearestSearch = {
  kind: 'sql',
  nearest: async (db, req) => {
    const rows = await queryRows<{ chunk_id: number; similarity: number | string }>(
      db,
      sql`with q as (select ${queryVectorSql(req)} as v)
          select e.chunk_id, (select sum(a * b) from unnest(e.vector, q.v) as t(a, b)) as similarity
          from embeddings e cross join q join chunks c on c.id = e.chunk_id join documents d on d.id = c.document_id
          where e.model_id = ${req.modelId} ${skipsSql(req)}
          order by similarity desc, e.chunk_id limit ${req.limit}`,
    );
    return rows.map((r) => ({ chunk_id: r.chunk_id, similarity: Number(r.similarity) }));
  },
};

/**
 * pgvector's inner-product operator over the same real[] column (cast to vector), for servers
 * that have the extension installed: the scan runs in C. Similarities are computed in pgvector's
 * own arithmetic, so the last digits (and the order of near ties) can differ from the SQL path.
 */
export const pgvectorNearest: NearestSearch = {
  kind: 'pgvector',
  nearest: async (db, req) => {
    const rows = await queryRows<{ chunk_id: number; similarity: number | string }>(
      db,
      sql`with q as (select (${queryVectorSql(req)})::vector as v)
          select e.chunk_id, -(e.vector::vector <#> q.v) as similarity
          from embeddings e cross join q join chunks c on c.id = e.chunk_id join documents d on d.id = c.document_id
          where e.model_id = ${req.modelId} ${skipsSql(req)}
          order by e.vector::vector <#> q.v, e.chunk_id limit ${req.limit}`,
    );
    return rows.map((r) => ({ chunk_id: r.chunk_id, similarity: Number(r.similarity) }));
  },
};

/**
 * The stored vectors in memory (one EmbeddingIndex per embedding model, loaded on first use and
 * refreshed before every query), scanned in-process: for `stance serve`, which lives long enough
 * to amortise the load. Same answers as the SQL path, bit for bit.
 */
export function memoryNearest(opts: { checkEveryMs?: number } = {}): NearestSearch & { index(db: Db, modelId: number): Promise<EmbeddingIndex> } {
  const indexes = new Map<number, EmbeddingIndex>();
  const index = async (db: Db, modelId: number) => {
    let idx = indexes.get(modelId);
    if (!idx) {
      idx = new EmbeddingIndex(db, modelId, opts.checkEveryMs);
      indexes.set(modelId, idx);
    }
    await idx.refresh();
    return idx;
  };
  return {
    kind: 'memory',
    index,
    nearest: async (db, req) => {
      const idx = await index(db, req.modelId);
      let vector: ArrayLike<number>;
      if (req.query.kind === 'chunk') {
        const [row] = await queryRows<{ v: number[] }>(db, sql`select e.vector as v from embeddings e where e.chunk_id = ${req.query.chunkId} and e.model_id = ${req.modelId}`);
        if (!row) return [];
        vector = row.v.map(Number);
      } else {
        vector = req.query.vector;
      }
      const skip = { skipId: req.query.kind === 'chunk' ? req.query.chunkId : undefined, skipSourceId: req.skipSourceId };
      return idx.nearest(vector, req.limit, skip).map((s) => ({ chunk_id: s.id, similarity: float32AsText(s.score) }));
    },
  };
}

/** Whether the server offers pgvector: installed in this database, available to install, or neither. */
export type PgvectorStatus = 'installed' | 'available' | 'absent';

/** Asks the server about the pgvector extension (named "vector"). */
export async function pgvectorStatus(db: Db): Promise<PgvectorStatus> {
  const [row] = await queryRows<{ installed: boolean; available: boolean }>(
    db,
    sql`select exists(select 1 from pg_extension where extname = 'vector') as installed,
               exists(select 1 from pg_available_extensions where name = 'vector') as available`,
  );
  return row?.installed ? 'installed' : row?.available ? 'available' : 'absent';
}

/**
 * The search a process uses. A long-lived server: pgvector where it is installed in the database
 * (no copy of the vectors in memory), else the in-memory scan. A one-off CLI query, which would
 * load every vector to answer once: the exact SQL scan.
 */
export function chooseNearest(status: PgvectorStatus, longLived: boolean): NearestSearch['kind'] {
  if (!longLived) return 'sql';
  return status === 'installed' ? 'pgvector' : 'memory';
}

/** The search of a long-lived server on this database, by what the server offers. */
export async function serverNearest(db: Db): Promise<NearestSearch> {
  const kind = chooseNearest(await pgvectorStatus(db), true);
  return kind === 'pgvector' ? pgvectorNearest : memoryNearest();
}
