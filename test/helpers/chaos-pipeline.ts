import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { ingestDocuments } from '../../app/ingest.ts';
import { loadLocalInference } from '../../app/inference.ts';
import { processInline } from '../../app/run-inline.ts';
import { createStepContext } from '../../app/step-context.ts';
import { openDatabase, queryRows } from '../../db/client.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import { sql } from 'drizzle-orm';
import { tinyModelSpec } from './models.ts';
import { repoPath } from './paths.ts';

/** The n smallest files of the project's corpus, as paths relative to the repository (for `stance ingest`). */
export function corpusFiles(n: number): string[] {
  const dir = 'seeds/corpus';
  return readdirSync(repoPath(dir))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => ({ f, size: statSync(repoPath(join(dir, f))).size }))
    .sort((a, b) => a.size - b.size || a.f.localeCompare(b.f))
    .slice(0, n)
    .map(({ f }) => join(dir, f));
}

/** What a run leaves in the store: documents by status, rows per table, chunks per document text. */
export interface StoreCounts {
  statuses: Record<string, number>;
  chunks: number;
  embeddings: number;
  scores: number;
  chunksByHash: Record<string, number>;
}

const COUNTS_SQL = `select
  (select coalesce(json_object_agg(status, n), '{}') from (select status, count(*)::int n from documents group by status) s) as statuses,
  (select count(*)::int from chunks) as chunks,
  (select count(*)::int from embeddings) as embeddings,
  (select count(*)::int from stance_scores) as scores,
  (select coalesce(json_object_agg(content_hash, n), '{}') from (select d.content_hash, count(c.id)::int n from documents d left join chunks c on c.document_id = d.id group by d.content_hash) h) as "chunksByHash"`;

/** Counts of a Postgres store, read over a short connection. */
export async function storeCounts(url: string): Promise<StoreCounts> {
  const db = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await db.unsafe(COUNTS_SQL);
    return row as unknown as StoreCounts;
  } finally {
    await db.end({ timeout: 1 });
  }
}

/**
 * The counts of a clean run of the same files (sources given like `stance ingest --source`):
 * processed inline, in this process, on a fresh database of the given server. Chaos runs must end
 * with the same.
 */
export async function cleanRunCounts(adminUrl: string, files: string[], source: string): Promise<StoreCounts> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe('drop database if exists clean_run with (force)');
  await admin.unsafe('create database clean_run');
  const url = new URL(adminUrl);
  url.pathname = '/clean_run';
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: '/unused', migrations: 'apply' });
  const store = { database, cleanup: async () => {
    await database.close();
    await admin.unsafe('drop database clean_run with (force)');
    await admin.end({ timeout: 1 });
  } };
  const inference = await loadLocalInference(tinyModelSpec());
  try {
    const outcomes = await ingestDocuments(store.database.db, files.map((f) => ({ file: repoPath(f), meta: { source } })), { maxDocBytes: 5_000_000 });
    const ids = outcomes.flatMap((o) => (o.status === 'created' ? [o.documentId] : []));
    const ctx = await createStepContext(store.database.db, inference, loadAxesFile(), { chunkTokens: 200 });
    const results = await processInline(ctx, ids);
    if (results.some((r) => r.status !== 'done')) throw new Error(`clean run failed: ${JSON.stringify(results)}`);
    const [row] = await queryRows<StoreCounts>(store.database.db, sql.raw(COUNTS_SQL));
    return row as StoreCounts;
  } finally {
    await inference.close();
    await store.cleanup();
  }
}
