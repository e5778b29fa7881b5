import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';

/** One source's position on one axis: the relevance-weighted mean chunk score. */
export interface SourcePosition {
  axis: string;
  source: string;
  position: number | null;
  nChunks: number;
  nRelevant: number;
}

/**
 * Each source's position per axis for one scorer version, computed in SQL.
 * position = sum(relevance * score) / sum(relevance); a chunk is relevant when its label is not
 * "irrelevant" (its relevance reached the axis threshold).
 */
export async function sourcePositions(db: Db, scorerId: number, axisIds: number[]): Promise<SourcePosition[]> {
  if (axisIds.length === 0) return [];
  return queryRows<SourcePosition>(
    db,
    sql`select a.slug as axis, src.name as source,
          sum(ss.relevance * ss.score) / nullif(sum(ss.relevance), 0) as position,
          count(*)::int as "nChunks",
          (count(*) filter (where ss.label <> 'irrelevant'))::int as "nRelevant"
        from stance_scores ss
        join axes a on a.id = ss.axis_id
        join chunks c on c.id = ss.chunk_id
        join documents d on d.id = c.document_id
        join sources src on src.id = d.source_id
        where ss.scorer_id = ${scorerId} and ss.axis_id in ${axisIds}
        group by a.slug, src.name
        order by a.slug, src.name`,
  ).then((rows) => rows.map((r) => ({ ...r, position: r.position === null ? null : Number(r.position) })));
}
