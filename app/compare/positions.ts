import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { bootstrapPositionCI } from '../../pipeline/stats/position.ts';
import { compareGroups, MIN_RELEVANT_CHUNKS } from '../../pipeline/stats/difference.ts';
import { filterConditions, groupKey, type Filters, type GroupBy } from './selection.ts';

/** A group's position on an axis with its 95% bootstrap interval and counts. */
export interface GroupPosition {
  key: string;
  position: number | null;
  ci: [number, number] | null;
  n_chunks: number;
  n_relevant: number;
  labels: Record<string, number>;
}

/** The difference of two groups' positions (a - b), or why there is none. */
export type PairDifference =
  | { a: string; b: string; status: 'ok'; diff: number; ci: [number, number]; p: number }
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

interface GroupRow {
  key: string;
  position: number | null;
  n_chunks: number;
  n_relevant: number;
  scores: number[];
  relevances: number[];
}

/**
 * Positions per group, computed in SQL (weighted mean, counts, label distribution); the chunk
 * scores come back as one array per group for the bootstrap, not as one row per chunk.
 */
export async function groupPositions(db: Db, q: PositionQuery): Promise<{ groups: GroupPosition[]; samples: Map<string, { scores: number[]; relevances: number[] }> }> {
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
  const samples = new Map<string, { scores: number[]; relevances: number[] }>();
  const groups = rows.map((r) => {
    const scores = r.scores.map(Number);
    const relevances = r.relevances.map(Number);
    samples.set(r.key, { scores, relevances });
    const labels = Object.fromEntries(q.labels.map((l) => [l, 0]));
    for (const lr of labelRows) if (lr.key === r.key) labels[lr.label] = lr.n;
    return {
      key: r.key,
      position: r.position === null ? null : Number(r.position),
      ci: bootstrapPositionCI(scores, relevances, { seed: q.seed, iterations: q.iterations, relevanceThreshold: q.relevanceThreshold }),
      n_chunks: r.n_chunks,
      n_relevant: r.n_relevant,
      labels,
    };
  });
  return { groups, samples };
}

/** Every pair of groups: difference a - b with bootstrap interval and permutation p-value. */
export function pairDifferences(
  samples: Map<string, { scores: number[]; relevances: number[] }>,
  opts: { seed: number; iterations: number; relevanceThreshold: number },
): PairDifference[] {
  const keys = [...samples.keys()];
  const pairs: PairDifference[] = [];
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      const a = keys[i] as string;
      const b = keys[j] as string;
      const r = compareGroups(samples.get(a)!, samples.get(b)!, {
        seed: opts.seed,
        iterations: opts.iterations,
        permutations: opts.iterations,
        relevanceThreshold: opts.relevanceThreshold,
      });
      pairs.push(
        r.status === 'ok'
          ? { a, b, status: 'ok', diff: r.difference, ci: r.ci, p: r.pValue }
          : { a, b, status: 'too_few_relevant_chunks', diff: null, ci: null, p: null, n_relevant: [r.nRelevant.a, r.nRelevant.b], min_relevant: r.minRelevant },
      );
    }
  }
  return pairs;
}

export { MIN_RELEVANT_CHUNKS };
