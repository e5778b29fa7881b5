import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';

/** A chunk of a document with every stored score of the scorer versions given (by scorer name). */
export interface ChunkScores {
  id: number;
  seq: number;
  text: string;
  /** scores[scorerName][axisSlug] */
  scores: Record<string, Record<string, { score: number; relevance: number; label: string; prob_a: number; prob_b: number; details: Record<string, unknown> | null }>>;
}

/** The chunks of a document in order, with the scores of each scorer version (id -> name) on each axis (id -> slug). */
export async function documentChunks(db: Db, documentId: number, scorerIds: Map<number, string>, axisIds: Map<number, string>): Promise<ChunkScores[]> {
  const chunkRows = await queryRows<{ id: number; seq: number; text: string }>(db, sql`select id, ordinal as seq, text from chunks where document_id = ${documentId} order by ordinal`);
  if (chunkRows.length === 0 || scorerIds.size === 0 || axisIds.size === 0) return chunkRows.map((c) => ({ ...c, scores: {} }));
  const scoreRows = await queryRows<{ chunk_id: number; scorer_id: number; axis_id: number; score: number; relevance: number; label: string; prob_a: number; prob_b: number; details: Record<string, unknown> | null }>(
    db,
    sql`select s.chunk_id, s.scorer_id, s.axis_id, s.score, s.relevance, s.label, s.prob_a, s.prob_b, s.details
        from stance_scores s join chunks c on c.id = s.chunk_id
        where c.document_id = ${documentId} and s.scorer_id in ${[...scorerIds.keys()]} and s.axis_id in ${[...axisIds.keys()]}`,
  );
  return chunkRows.map((c) => {
    const scores: ChunkScores['scores'] = {};
    for (const r of scoreRows) {
      if (r.chunk_id !== c.id) continue;
      const scorer = scorerIds.get(r.scorer_id) as string;
      const axis = axisIds.get(r.axis_id) as string;
      (scores[scorer] ??= {})[axis] = { score: Number(r.score), relevance: Number(r.relevance), label: r.label, prob_a: Number(r.prob_a), prob_b: Number(r.prob_b), details: r.details };
    }
    return { ...c, scores };
  });
}

/** The years (first four characters of the date) of a source's dated documents, in order. */
export async function sourceYears(db: Db, source: string): Promise<string[]> {
  const rows = await queryRows<{ year: string }>(
    db,
    sql`select distinct substring(d.date for 4) as year from documents d join sources src on src.id = d.source_id
        where src.name = ${source} and d.date ~ '^[0-9]{4}' order by 1`,
  );
  return rows.map((r) => r.year);
}
