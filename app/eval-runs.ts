import { desc } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { evalRuns, type RecordedModels, type RecordedScoringSettings } from '../db/schema/index.ts';
import type { EvalReport } from '../eval/report.ts';

/** One stored eval run, as `stance eval history` reads it. */
export interface EvalRunRecord {
  setHash: string;
  setFile: string;
  split: 'dev' | 'test' | 'all';
  /** A scorer name of app/scorers ("nli", "lexicon", ...). */
  scorer: string;
  models: RecordedModels;
  axisVersions: Record<string, string>;
  profile: string | null;
  settings: RecordedScoringSettings;
  nItems: number;
  metrics: EvalReport;
}

/** A stored run with its id and time. */
export interface StoredEvalRun extends EvalRunRecord {
  id: number;
  createdAt: Date;
}

/** Stores one run (one scorer over one split of a set) and returns its id. */
export async function storeEvalRun(db: Db, run: EvalRunRecord): Promise<number> {
  const [row] = await db
    .insert(evalRuns)
    .values({ ...run, metrics: run.metrics as Record<string, unknown> })
    .returning({ id: evalRuns.id });
  if (!row) throw new Error('the eval run was not stored');
  return row.id;
}

/** Stored runs, oldest first; with `limit`, only the most recent that many. */
export async function listEvalRuns(db: Db, limit?: number): Promise<StoredEvalRun[]> {
  const query = db.select().from(evalRuns).orderBy(desc(evalRuns.id));
  const rows = limit === undefined ? await query : await query.limit(limit);
  return rows.reverse().map((r) => ({ ...r, metrics: r.metrics as EvalReport }));
}
