import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';

/** A stored passage near a query, with its stance on every axis. */
export interface SimilarPassage {
  chunk_id: number;
  document_id: number;
  source: string;
  title: string | null;
  similarity: number;
  text: string;
  stances: Record<string, { score: number; relevance: number; label: string; details: Record<string, unknown> | null }>;
}

export type SimilarQuery =
  | { kind: 'vector'; vector: ArrayLike<number> }
  | { kind: 'chunk'; chunkId: number };

/** Error for a similarity query that cannot be answered (unknown chunk, no embedding). */
export class SimilarQueryError extends Error {
  override name = 'SimilarQueryError';
}

/**
 * The k stored chunks nearest to a vector or to a stored chunk, by exact cosine (dot product of
 * L2-normalized vectors) computed in SQL over real[]: correct without pgvector on any Postgres.
 * With otherSources, only chunks from sources other than the query chunk's (or excludeSource).
 */
export async function similarPassages(
  db: Db,
  q: SimilarQuery,
  opts: { modelId: number; limit: number; otherSources?: boolean; excludeSource?: string; scorerId: number; axisIds: Map<string, number> },
): Promise<SimilarPassage[]> {
  let vector: SQL;
  let querySource: string | undefined = opts.excludeSource;
  if (q.kind === 'chunk') {
    const [row] = await queryRows<{ source: string; has: boolean }>(
      db,
      sql`select src.name as source, exists(select 1 from embeddings e where e.chunk_id = c.id and e.model_id = ${opts.modelId}) as has
          from chunks c join documents d on d.id = c.document_id join sources src on src.id = d.source_id where c.id = ${q.chunkId}`,
    );
    if (!row) throw new SimilarQueryError(`chunk ${q.chunkId} does not exist`);
    if (!row.has) throw new SimilarQueryError(`chunk ${q.chunkId} has no embedding from the current embedding model; run \`stance rescore\``);
    querySource = row.source;
    vector = sql`(select e.vector from embeddings e where e.chunk_id = ${q.chunkId} and e.model_id = ${opts.modelId})`;
  } else {
    const literal = `{${Array.from(q.vector, (x) => (Number.isFinite(x) ? x : 0)).join(',')}}`;
    vector = sql`${literal}::real[]`;
  }
  const exclude = opts.otherSources && querySource !== undefined ? sql`and src.name <> ${querySource}` : sql``;
  const self = q.kind === 'chunk' ? sql`and e.chunk_id <> ${q.chunkId}` : sql``;
  const rows = await queryRows<Omit<SimilarPassage, 'stances'>>(
    db,
    sql`with q as (select ${vector} as v)
        select e.chunk_id, c.document_id, src.name as source, d.title, c.text,
               (select sum(a * b) from unnest(e.vector, q.v) as t(a, b)) as similarity
        from embeddings e cross join q join chunks c on c.id = e.chunk_id join documents d on d.id = c.document_id
        join sources src on src.id = d.source_id
        where e.model_id = ${opts.modelId} ${self} ${exclude}
        order by similarity desc, e.chunk_id limit ${opts.limit}`,
  );
  if (rows.length === 0) return [];
  const axisBySlug = [...opts.axisIds.entries()];
  const stanceRows = await queryRows<{ chunk_id: number; axis_id: number; score: number; relevance: number; label: string; details: Record<string, unknown> | null }>(
    db,
    sql`select chunk_id, axis_id, score, relevance, label, details from stance_scores
        where scorer_id = ${opts.scorerId} and chunk_id in ${rows.map((r) => r.chunk_id)} and axis_id in ${axisBySlug.map(([, id]) => id)}`,
  );
  return rows.map((r) => ({
    ...r,
    similarity: Number(r.similarity),
    stances: Object.fromEntries(
      axisBySlug.flatMap(([slug, id]) => {
        const s = stanceRows.find((x) => x.chunk_id === r.chunk_id && x.axis_id === id);
        return s ? [[slug, { score: s.score, relevance: s.relevance, label: s.label, details: s.details }]] : [];
      }),
    ),
  }));
}
