import { createWriteStream, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { csvLine } from '../../pipeline/csv.ts';
import type { Comparison } from './compare.ts';

const PAGE = 5_000;

async function writeLines(path: string, header: string[], pages: AsyncIterable<unknown[][]>): Promise<number> {
  const out = createWriteStream(path, 'utf8');
  let n = 0;
  out.write(csvLine(header));
  for await (const rows of pages) {
    for (const r of rows) if (!out.write(csvLine(r))) await once(out, 'drain');
    n += rows.length;
  }
  out.end();
  await once(out, 'finish');
  return n;
}

async function* documentPages(db: Db): AsyncIterable<unknown[][]> {
  let after = 0;
  for (;;) {
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select d.id, src.name as source, d.actor, d.title, d.date, d.url, d.language, d.kind, d.file_name, d.status, d.content_hash,
            (select count(*)::int from chunks c where c.document_id = d.id) as chunks
          from documents d join sources src on src.id = d.source_id where d.id > ${after} order by d.id limit ${PAGE}`,
    );
    if (rows.length === 0) return;
    yield rows.map((r) => [r.id, r.source, r.actor, r.title, r.date, r.url, r.language, r.kind, r.file_name, r.status, r.content_hash, r.chunks]);
    after = rows.at(-1)!.id as number;
  }
}

// One row per chunk, axis and scorer version ("long" format: one filter in a spreadsheet or a
// pivot in R/pandas gives any view).
async function* chunkScorePages(db: Db): AsyncIterable<unknown[][]> {
  let after = 0;
  for (;;) {
    const ids = await queryRows<{ id: number }>(db, sql`select id from chunks where id > ${after} order by id limit ${PAGE}`);
    if (ids.length === 0) return;
    const last = ids.at(-1)!.id;
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select c.id, c.document_id, src.name as source, c.ordinal, c.start, c."end", a.slug as axis, a.version as axis_version,
            sc.key as scorer, ss.score, ss.relevance, ss.label, ss.details, c.text
          from chunks c join documents d on d.id = c.document_id join sources src on src.id = d.source_id
          left join stance_scores ss on ss.chunk_id = c.id left join axes a on a.id = ss.axis_id left join scorers sc on sc.id = ss.scorer_id
          where c.id > ${after} and c.id <= ${last} order by c.id, a.slug, sc.key`,
    );
    yield rows.map((r) => [r.id, r.document_id, r.source, r.ordinal, r.start, r.end, r.axis, r.axis_version, r.scorer, r.score, r.relevance, r.label, r.details == null ? null : JSON.stringify(r.details), r.text]);
    after = last;
  }
}

async function* once_<T>(value: T): AsyncIterable<T> {
  yield value;
}

/** Writes documents.csv, chunks.csv (with scores) and positions.csv into dir; returns row counts. */
export async function exportCsv(db: Db, dir: string, comparisons: Comparison[]): Promise<Record<string, number>> {
  mkdirSync(dir, { recursive: true });
  const documents = await writeLines(
    join(dir, 'documents.csv'),
    ['document_id', 'source', 'actor', 'title', 'date', 'url', 'language', 'kind', 'file_name', 'status', 'content_hash', 'chunks'],
    documentPages(db),
  );
  const chunks = await writeLines(
    join(dir, 'chunks.csv'),
    // details: the scorer's reasons as JSON (the lexicon's matched terms), empty for the others.
    ['chunk_id', 'document_id', 'source', 'ordinal', 'start', 'end', 'axis', 'axis_version', 'scorer', 'score', 'relevance', 'label', 'details', 'text'],
    chunkScorePages(db),
  );
  const positions = await writeLines(
    join(dir, 'positions.csv'),
    ['axis', 'axis_version', 'scorer', 'group_by', 'group', 'position', 'ci_low', 'ci_high', 'n_chunks', 'n_relevant'],
    once_(comparisons.flatMap((c) => c.groups.map((g) => [c.axis, c.axis_version, c.scorer, c.by, g.key, g.position, g.ci?.[0], g.ci?.[1], g.n_chunks, g.n_relevant]))),
  );
  return { documents, chunks, positions };
}
