import { csvLine } from '../../pipeline/csv.ts';
import type { Comparison } from './compare.ts';

/**
 * The rows of a comparison as flat tables, one value per column, for CSV, JSON Lines and Parquet
 * (`stance compare --csv`/`--pairs-csv`, `stance export`). Label counts get fixed column names
 * (n_pole_a, n_pole_b, n_neutral, n_irrelevant, with the pole slugs in pole_a, pole_b) so that rows
 * of different axes stack in one table.
 */

export type ColumnType = 'string' | 'int' | 'double';

/** A column of an exported table: its name and the type its values have (null allowed in every column). */
export interface Column {
  name: string;
  type: ColumnType;
}

const col = (name: string, type: ColumnType = 'string'): Column => ({ name, type });

/** A value as its column's type: numbers from the driver may come as text; absent is null. */
export function typed(value: unknown, type: ColumnType): string | number | null {
  if (value === null || value === undefined || value === '') return null;
  if (type === 'string') return String(value);
  const v = Number(value);
  return Number.isFinite(v) ? v : null;
}

/** A row with each value as its column's type (for CSV, where only text is guarded against formulas). */
export function typedRow(columns: readonly Column[], row: readonly unknown[]): (string | number | null)[] {
  return columns.map((c, i) => typed(row[i], c.type));
}

/** A whole table as CSV text: the header, then each row typed by its columns. */
export function csvTable(columns: readonly Column[], rows: readonly unknown[][]): string {
  return [columns.map((c) => c.name), ...rows.map((r) => typedRow(columns, r))].map(csvLine).join('');
}

export const POSITION_COLUMNS: Column[] = [
  col('axis'),
  col('axis_version'),
  col('scorer'),
  col('group_by'),
  col('group'),
  col('position', 'double'),
  col('ci_low', 'double'),
  col('ci_high', 'double'),
  col('n_chunks', 'int'),
  col('n_relevant', 'int'),
  col('ci_method'),
  col('pole_a'),
  col('pole_b'),
  col('n_pole_a', 'int'),
  col('n_pole_b', 'int'),
  col('n_neutral', 'int'),
  col('n_irrelevant', 'int'),
];

export const PAIR_COLUMNS: Column[] = [
  col('axis'),
  col('axis_version'),
  col('scorer'),
  col('group_by'),
  col('a'),
  col('b'),
  col('status'),
  col('diff', 'double'),
  col('ci_low', 'double'),
  col('ci_high', 'double'),
  col('p', 'double'),
  col('ci_method'),
  col('p_method'),
  col('n_relevant_a', 'int'),
  col('n_relevant_b', 'int'),
];

/** One row per group and axis, in POSITION_COLUMNS order. */
export function positionRows(comparisons: readonly Comparison[]): unknown[][] {
  return comparisons.flatMap((c) => {
    const [poleA, poleB] = c.poles;
    return c.groups.map((g) => [
      c.axis,
      c.axis_version,
      c.scorer,
      c.by,
      g.key,
      g.position,
      g.ci?.[0] ?? null,
      g.ci?.[1] ?? null,
      g.n_chunks,
      g.n_relevant,
      g.ci_method,
      poleA,
      poleB,
      g.labels[poleA] ?? 0,
      g.labels[poleB] ?? 0,
      g.labels.neutral ?? 0,
      g.labels.irrelevant ?? 0,
    ]);
  });
}

/** One row per pair of groups and axis, in PAIR_COLUMNS order; pairs without a difference have empty numbers and their status. */
export function pairRows(comparisons: readonly Comparison[]): unknown[][] {
  return comparisons.flatMap((c) => {
    const relevant = new Map(c.groups.map((g) => [g.key, g.n_relevant]));
    return c.pairs.map((p) => [
      c.axis,
      c.axis_version,
      c.scorer,
      c.by,
      p.a,
      p.b,
      p.status,
      p.diff,
      p.ci?.[0] ?? null,
      p.ci?.[1] ?? null,
      p.p,
      p.status === 'ok' ? p.ci_method : null,
      p.status === 'ok' ? p.p_method : null,
      relevant.get(p.a) ?? null,
      relevant.get(p.b) ?? null,
    ]);
  });
}
