import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { compareManyGroups, type CiMethod, type PMethod } from '../../pipeline/stats/group-comparison.ts';
import { MIN_RELEVANT_CHUNKS } from '../../pipeline/stats/relevance.ts';
import { filterConditions, groupKey, type Filters, type GroupBy } from './selection.ts';

/** A group's position on an axis with its 95% interval and counts. */
export interface GroupPosition {
  key: string;
  position: number | null;
  ci: [number, number] | null;
  /** How the interval was made: a chunk bootstrap, or its large-sample normal equivalent. */
  ci_method: CiMethod | null;
  n_chunks: number;
  n_relevant: number;
  labels: Record<string, number>;
}

/** The difference of two groups' positions (a - b), or why there is none. */
export type PairDifference =
  | { a: string; b: string; status: 'ok'; diff: number; ci: [number, number]; p: number; ci_method: CiMethod; p_method: PMethod }
  | { a: string; b: string; status: 'too_few_relevant_chunks'; diff: null; ci: null; p: null; n_relevant: [number, number]; min_relevant: number };

export interface PositionQuery {
  axisId: number;
  scorerId: number;
  /** The axis's relevance threshold: a chunk at or above it is relevant. */
  relevanceThreshold: number;
  labels: string[];
  by: GroupBy;
  filters: Filters;
  seed: number;
  iterations: number;
}

export interface GroupRow {
  key: string;
  position: number | null;
  n_chunks: number;
  n_relevant: number;
  scores: number[];
  relevances: number[];
}

// Pairwise differences grow with the square of the groups; past this many groups (435 pairs)
// a table of them helps nobody, and the answer says to narrow the selection.
export const MAX_PAIR_GROUPS = 30;

/** The SQL part of a comparison: per group the weighted mean, counts, chunk scores and labels. */
export async function fetchGroups(db: Db, q: Omit<PositionQuery, 'seed' | 'iterations' | 'labels'>): Promise<{ rows: GroupRow[]; labelRows: { key: string; label: string; n: number }[] }> {
  const key = groupKey(q.by);
  const where = sql`ss.axis_id = ${q.axisId} and ss.scorer_id = ${q.scorerId} and ${filterConditions(q.filters)}`;
  const from = sql`from stance_scores ss join chunks c on c.id = ss.chunk_id join documents d on d.id = c.document_id join sources src on src.id = d.source_id`;
  const rows = await queryRows<GroupRow>(
    db,
    sql`select ${key} as key,
          sum(ss.relevance * ss.score) / nullif(sum(ss.relevance), 0) as position,
          count(*)::int as n_chunks,
          (count(*) filter (where ss.relevance >= ${q.relevanceThreshold}))::int as n_relevant,
          array_agg(ss.score order by ss.chunk_id) as scores,
          array_agg(ss.relevance order by ss.chunk_id) as relevances
        ${from} where ${where} group by 1 order by 1`,
  );
  const labelRows = await queryRows<{ key: string; label: string; n: number }>(
    db,
    sql`select ${key} as key, ss.label, count(*)::int as n ${from} where ${where} group by 1, 2`,
  );
  return { rows, labelRows };
}

/**
 * Positions per group, computed in SQL (weighted mean, counts, label distribution), with 95%
 * intervals and every pairwise difference. Chunk scores come back as one array per group.
 */
export async function groupPositions(db: Db, q: PositionQuery): Promise<{ groups: GroupPosition[]; pairs: PairDifference[]; pairsOmitted: string | null }> {
  const { rows, labelRows } = await fetchGroups(db, q);
  const tooMany = rows.length > MAX_PAIR_GROUPS;
  const stats = compareManyGroups(
    rows.map((r) => ({ key: r.key, scores: r.scores.map(Number), relevances: r.relevances.map(Number) })),
    { seed: q.seed, iterations: q.iterations, relevanceThreshold: q.relevanceThreshold, skipPairs: tooMany },
  );
  const groups = rows.map((r, i) => {
    const g = stats.groups[i];
    const labels = Object.fromEntries(q.labels.map((l) => [l, 0]));
    for (const lr of labelRows) if (lr.key === r.key) labels[lr.label] = lr.n;
    return {
      key: r.key,
      position: r.position === null ? null : Number(r.position),
      ci: g?.ci ?? null,
      ci_method: g?.ciMethod ?? null,
      n_chunks: r.n_chunks,
      n_relevant: r.n_relevant,
      labels,
    };
  });
  const pairs = stats.pairs.map((p): PairDifference =>
    p.status === 'ok'
      ? { a: p.a, b: p.b, status: 'ok', diff: p.diff, ci: p.ci, p: p.p, ci_method: p.ciMethod, p_method: p.pMethod }
      : { a: p.a, b: p.b, status: 'too_few_relevant_chunks', diff: null, ci: null, p: null, n_relevant: p.nRelevant, min_relevant: p.minRelevant },
  );
  const pairsOmitted = tooMany ? `${rows.length} groups are more than ${MAX_PAIR_GROUPS}: pairwise differences omitted; select fewer sources or documents` : null;
  return { groups, pairs, pairsOmitted };
}

export { MIN_RELEVANT_CHUNKS };
