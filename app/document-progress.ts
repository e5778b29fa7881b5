import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';

/** How far one document got: chunks stored, embedded and scored (by any scorer version). */
export interface DocumentProgress {
  id: number;
  title: string | null;
  source: string;
  status: string;
  chunks: number;
  embedded: number;
  scored: number;
}

/** Progress of the documents still queued or processing (the ones a user waits for). */
export async function documentsInProgress(db: Db, limit = 50): Promise<DocumentProgress[]> {
  return queryRows<DocumentProgress>(
    db,
    sql`select d.id, coalesce(d.title, d.file_name) as title, src.name as source, d.status,
          (select count(*)::int from chunks c where c.document_id = d.id) as chunks,
          (select count(distinct e.chunk_id)::int from embeddings e join chunks c on c.id = e.chunk_id where c.document_id = d.id) as embedded,
          (select count(distinct s.chunk_id)::int from stance_scores s join chunks c on c.id = s.chunk_id where c.document_id = d.id) as scored
        from documents d join sources src on src.id = d.source_id
        where d.status in ('queued', 'processing') order by d.id limit ${limit}`,
  );
}
