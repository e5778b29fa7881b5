import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { poleIndex } from '../../pipeline/axes.ts';
import type { ResolvedScope } from './resolve.ts';

/** A passage that is evidence for a pole, quoted exactly from the stored document text. */
export interface EvidencePassage {
  chunk_id: number;
  document_id: number;
  title: string | null;
  date: string | null;
  url: string | null;
  source: string;
  quote: string;
  start: number;
  end: number;
  score: number;
  relevance: number;
  label: string;
  /** Why the scorer gave this label, when it can say (the lexicon scorer: matched terms); null otherwise. */
  details: Record<string, unknown> | null;
}

/**
 * The chunks of a source (null: of any source) most strongly on one pole of an axis: labelled with that pole, ordered
 * by how far their relevance-weighted score leans to it. The quote is sliced from the document by
 * the chunk's offsets, so it is the text as stored, not a re-tokenized copy.
 */
export async function evidenceFor(db: Db, scope: ResolvedScope, source: string | null, pole: string, limit: number): Promise<EvidencePassage[]> {
  const towardB = poleIndex(scope.axis, pole) === 1;
  const strength = towardB ? sql`ss.score * ss.relevance desc` : sql`ss.score * ss.relevance asc`;
  return queryRows<EvidencePassage>(
    db,
    sql`select c.id as chunk_id, d.id as document_id, d.title, d.date, d.url, src.name as source,
          substring(d.text from c.start + 1 for c."end" - c.start) as quote, c.start, c."end" as "end",
          ss.score, ss.relevance, ss.label, ss.details
        from stance_scores ss join chunks c on c.id = ss.chunk_id join documents d on d.id = c.document_id
        join sources src on src.id = d.source_id
        where ss.axis_id = ${scope.axisId} and ss.scorer_id = ${scope.scorer.id} and (${source}::text is null or src.name = ${source}) and ss.label = ${pole}
        order by ${strength}, c.id limit ${limit}`,
  );
}
