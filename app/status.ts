import { redactSecrets } from '../pipeline/redact.ts';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import { DOCUMENT_STATUSES, type DocumentStatus } from '../db/schema/index.ts';

/** Documents of one source counted by status. */
export interface SourceStatus {
  source: string;
  total: number;
  by_status: Record<DocumentStatus, number>;
}

/** Counts documents by source and status, one row per source (sorted by name). */
export async function documentStatus(db: Db): Promise<SourceStatus[]> {
  const rows = await queryRows<{ source: string; status: DocumentStatus; n: number }>(
    db,
    sql`select s.name as source, d.status, count(*)::int as n
        from documents d join sources s on s.id = d.source_id
        group by s.name, d.status order by s.name`,
  );
  const bySource = new Map<string, SourceStatus>();
  for (const row of rows) {
    let entry = bySource.get(row.source);
    if (!entry) {
      entry = { source: row.source, total: 0, by_status: Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, 0])) as Record<DocumentStatus, number> };
      bySource.set(row.source, entry);
    }
    entry.by_status[row.status] = row.n;
    entry.total += row.n;
  }
  return [...bySource.values()];
}

/** Failed documents with their error, for the status view. */
export async function failedDocuments(db: Db): Promise<{ id: number; title: string | null; file_name: string | null; error: string | null }[]> {
  const rows = await queryRows<{ id: number; title: string | null; file_name: string | null; error: string | null }>(
    db,
    sql`select id, title, file_name, error from documents where status = 'failed' order by id`,
  );
  // Errors stored by older versions may still carry a connection string; never show one.
  return rows.map((r) => ({ ...r, error: r.error === null ? null : redactSecrets(r.error) }));
}
