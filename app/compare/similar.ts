import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { sqlNearest, type NearestSearch } from './nearest.ts';

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
 * L2-normalized vectors), found by `search` (SQL over real[] by default: correct without pgvector
 * on any Postgres; `stance serve` scans the vectors in memory, app/compare/nearest.ts).
 * With otherSources, only chunks from sources other than the query chunk's (or excludeSource).
 */
export async function similarPassages(
  db: Db,
  q: SimilarQuery,
  opts: { modelId: number; limit: number; otherSources?: boolean; excludeSource?: string; scorerId: number; axisIds: Map<string, number>; search?: NearestSearch },
): Promise<SimilarPassage[]> {
  let skipSourceId: number | undefined;
  if (opts.excludeSource !== undefined) {
    const [row] = await queryRows<{ id: number }>(db, sql`select id from sources where name = ${opts.excludeSource}`);
    skipSourceId = row?.id;
  }
  if (q.kind === 'chunk') {
    const [row] = await queryRows<{ source_id: number; has: boolean }>(
      db,
      sql`select d.source_id, exists(select 1 from embeddings e where e.chunk_id = c.id and e.model_id = ${opts.modelId}) as has
          from chunks c join documents d on d.id = c.document_id where c.id = ${q.chunkId}`,
    );
    if (!row) throw new SimilarQueryError(`chunk ${q.chunkId} does not exist`);
    if (!row.has) throw new SimilarQueryError(`chunk ${q.chunkId} has no embedding from the current embedding model; run \`stance rescore\``);
    if (opts.otherSources) skipSourceId = row.source_id;
  }
  const search = opts.search ?? sqlNearest;
  const hits = await search.nearest(db, {
    modelId: opts.modelId,
    limit: opts.limit,
    query: q.kind === 'chunk' ? { kind: 'chunk', chunkId: q.chunkId } : { kind: 'vector', vector: q.vector },
    ...(skipSourceId !== undefined ? { skipSourceId } : {}),
  });
  if (hits.length === 0) return [];
  const ids = hits.map((h) => h.chunk_id);
  const meta = await queryRows<Omit<SimilarPassage, 'stances' | 'similarity'>>(
    db,
    sql`select c.id as chunk_id, c.document_id, src.name as source, d.title, c.text
        from chunks c join documents d on d.id = c.document_id join sources src on src.id = d.source_id
        where c.id in ${ids}`,
  );
  const metaById = new Map(meta.map((m) => [m.chunk_id, m]));
  const axisBySlug = [...opts.axisIds.entries()];
  const stanceRows = await queryRows<{ chunk_id: number; axis_id: number; score: number; relevance: number; label: string; details: Record<string, unknown> | null }>(
    db,
    sql`select chunk_id, axis_id, score, relevance, label, details from stance_scores
        where scorer_id = ${opts.scorerId} and chunk_id in ${ids} and axis_id in ${axisBySlug.map(([, id]) => id)}`,
  );
  // A chunk deleted between the two queries is left out rather than shown without its text.
  return hits.flatMap((h) => {
    const m = metaById.get(h.chunk_id);
    if (!m) return [];
    return [
      {
        chunk_id: m.chunk_id,
        document_id: m.document_id,
        source: m.source,
        title: m.title,
        similarity: h.similarity,
        text: m.text,
        stances: Object.fromEntries(
          axisBySlug.flatMap(([slug, id]) => {
            const s = stanceRows.find((x) => x.chunk_id === h.chunk_id && x.axis_id === id);
            return s ? [[slug, { score: s.score, relevance: s.relevance, label: s.label, details: s.details }]] : [];
          }),
        ),
      },
    ];
  });
}
