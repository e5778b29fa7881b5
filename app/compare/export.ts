import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { csvLine } from '../../pipeline/csv.ts';
import { makeOutputFolder, writingTo } from '../../pipeline/output-files.ts';
import type { Comparison } from './compare.ts';
import { PAIR_COLUMNS, pairRows, POSITION_COLUMNS, positionRows, typed, typedRow, type Column, type ColumnType } from './rows.ts';

export const EXPORT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const PAGE = 5_000;

/** One exported table: its columns and its rows, page by page (rows in column order). */
interface Table {
  name: string;
  columns: Column[];
  pages: AsyncIterable<unknown[][]>;
}

const col = (name: string, type: ColumnType = 'string'): Column => ({ name, type });

const DOCUMENT_COLUMNS: Column[] = [
  col('document_id', 'int'),
  col('source'),
  col('actor'),
  col('actor_type'),
  col('title'),
  col('date'),
  col('url'),
  col('language'),
  col('kind'),
  col('file_name'),
  col('status'),
  col('content_hash'),
  col('chunks', 'int'),
];

// One row per chunk, axis and scorer version ("long" format: one filter in a spreadsheet or a
// pivot in R/pandas gives any view), with the document's metadata so no join is needed.
const CHUNK_COLUMNS: Column[] = [
  col('chunk_id', 'int'),
  col('document_id', 'int'),
  col('source'),
  col('actor'),
  col('actor_type'),
  col('kind'),
  col('language'),
  col('date'),
  col('ordinal', 'int'),
  col('start', 'int'),
  col('end', 'int'),
  col('axis'),
  col('axis_version'),
  col('scorer'),
  col('score', 'double'),
  col('relevance', 'double'),
  col('label'),
  // The scorer's reasons as JSON text (the lexicon's matched terms), empty for the others.
  col('details'),
  col('text'),
];

async function* documentPages(db: Db): AsyncIterable<unknown[][]> {
  let after = 0;
  for (;;) {
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select d.id, src.name as source, d.actor, coalesce(d.actor_type, src.actor_type) as actor_type, d.title, d.date, d.url, d.language, d.kind, d.file_name, d.status, d.content_hash,
            (select count(*)::int from chunks c where c.document_id = d.id) as chunks
          from documents d join sources src on src.id = d.source_id where d.id > ${after} order by d.id limit ${PAGE}`,
    );
    if (rows.length === 0) return;
    yield rows.map((r) => [r.id, r.source, r.actor, r.actor_type, r.title, r.date, r.url, r.language, r.kind, r.file_name, r.status, r.content_hash, r.chunks]);
    after = rows.at(-1)!.id as number;
  }
}

async function* chunkScorePages(db: Db): AsyncIterable<unknown[][]> {
  let after = 0;
  for (;;) {
    const ids = await queryRows<{ id: number }>(db, sql`select id from chunks where id > ${after} order by id limit ${PAGE}`);
    if (ids.length === 0) return;
    const last = ids.at(-1)!.id;
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select c.id, c.document_id, src.name as source, d.actor, coalesce(d.actor_type, src.actor_type) as actor_type, d.kind, d.language, d.date, c.ordinal, c.start, c."end",
            a.slug as axis, a.version as axis_version, sc.key as scorer, ss.score, ss.relevance, ss.label, ss.details, c.text
          from chunks c join documents d on d.id = c.document_id join sources src on src.id = d.source_id
          left join stance_scores ss on ss.chunk_id = c.id left join axes a on a.id = ss.axis_id left join scorers sc on sc.id = ss.scorer_id
          where c.id > ${after} and c.id <= ${last} order by c.id, a.slug, sc.key`,
    );
    yield rows.map((r) => [
      r.id, r.document_id, r.source, r.actor, r.actor_type, r.kind, r.language, r.date, r.ordinal, r.start, r.end,
      r.axis, r.axis_version, r.scorer, r.score, r.relevance, r.label, r.details == null ? null : JSON.stringify(r.details), r.text,
    ]);
    after = last;
  }
}

async function* onePage(rows: unknown[][]): AsyncIterable<unknown[][]> {
  yield rows;
}

/**
 * Writes a stream in pages. pipeline() waits for the file to drain and rejects with the file's
 * error (a folder in the way, a full disk) at whatever point it comes, opening included.
 */
async function writeStreamed(path: string, first: string | null, pages: AsyncIterable<unknown[][]>, line: (row: unknown[]) => string): Promise<number> {
  let n = 0;
  async function* text(): AsyncIterable<string> {
    if (first !== null) yield first;
    for await (const rows of pages) {
      yield rows.map(line).join('');
      n += rows.length;
    }
  }
  await pipeline(Readable.from(text()), createWriteStream(path, 'utf8'));
  return n;
}

const PARQUET_TYPE = { string: 'STRING', int: 'INT32', double: 'DOUBLE' } as const;

/** Writes a table in a format; returns the rows written. Parquet is built in memory (the store's size, not a stream). */
async function writeTable(dir: string, table: Table, format: ExportFormat): Promise<number> {
  const path = join(dir, `${table.name}.${format}`);
  // Typed first: csvLine leaves numbers alone but guards text against formulas, so a score the
  // driver gave as text ("-0.5") must reach it as a number.
  if (format === 'csv') return writingTo(path, () => writeStreamed(path, csvLine(table.columns.map((c) => c.name)), table.pages, (r) => csvLine(typedRow(table.columns, r))));
  if (format === 'jsonl') {
    const object = (r: unknown[]) => Object.fromEntries(table.columns.map((c, i) => [c.name, typed(r[i], c.type)]));
    return writingTo(path, () => writeStreamed(path, null, table.pages, (r) => `${JSON.stringify(object(r))}\n`));
  }
  const data: (string | number | null)[][] = table.columns.map(() => []);
  for await (const rows of table.pages) for (const r of rows) table.columns.forEach((c, i) => data[i]?.push(typed(r[i], c.type)));
  // Loaded here: only a Parquet export needs it.
  const { parquetWriteFile } = await import('hyparquet-writer');
  await writingTo(path, async () =>
    parquetWriteFile({
      filename: path,
      columnData: table.columns.map((c, i) => ({ name: c.name, data: data[i] ?? [], type: PARQUET_TYPE[c.type], nullable: true })),
    }),
  );
  return data[0]?.length ?? 0;
}

/**
 * Writes documents, chunks (with scores and document metadata), positions and pairs into dir,
 * as `<table>.csv`, `.jsonl` or `.parquet`; returns the row count of each table.
 */
export async function exportTables(db: Db, dir: string, comparisons: Comparison[], format: ExportFormat = 'csv'): Promise<Record<string, number>> {
  makeOutputFolder(dir);
  const tables: Table[] = [
    { name: 'documents', columns: DOCUMENT_COLUMNS, pages: documentPages(db) },
    { name: 'chunks', columns: CHUNK_COLUMNS, pages: chunkScorePages(db) },
    { name: 'positions', columns: POSITION_COLUMNS, pages: onePage(positionRows(comparisons)) },
    { name: 'pairs', columns: PAIR_COLUMNS, pages: onePage(pairRows(comparisons)) },
  ];
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t.name] = await writeTable(dir, t, format);
  return counts;
}

/** The CSV export (every table as `<table>.csv`). */
export async function exportCsv(db: Db, dir: string, comparisons: Comparison[]): Promise<Record<string, number>> {
  return exportTables(db, dir, comparisons, 'csv');
}
