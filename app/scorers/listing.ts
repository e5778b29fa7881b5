import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { desc, eq } from 'drizzle-orm';
import type { Config } from '../../config/config.ts';
import type { Db } from '../../db/client.ts';
import { evalRuns } from '../../db/schema/index.ts';
import { loadLexiconFile } from '../../pipeline/lexicon/load.ts';
import { ArtifactError } from '../../pipeline/train/artifact.ts';
import { NothingScoredError } from '../lookup.ts';
import { allScorerRefs } from './index.ts';
import type { ModelRole, ScorerDescriptor, ScorerRef } from './types.ts';

/** One scorer as `stance scorers` and GET /scorers list it. */
export interface ScorerListing {
  name: string;
  kind: string;
  summary: string;
  /** The pretrained models it needs ([] = none). */
  needs_models: ModelRole[];
  /** Whether it can score on this machine now (its models are found locally, or it needs none). */
  available: boolean;
  /** Why it is or is not available. */
  availability: string;
  /** The version key queries read (latest stored version for this configuration), or the one a run would write; null when unknown. */
  version: string | null;
  /** True when the store holds scores of this version. */
  scored: boolean;
  /** The latest `stance eval` run of this scorer: per axis macro-F1, with the split and set. */
  latest_eval: {
    run_id: number;
    created_at: string;
    set_file: string;
    split: string;
    n_items: number;
    macro_f1: Record<string, number | null>;
    /** True when the scorer was fitted on items of that split: the numbers are in-sample (in_sample_note says on what). */
    fitted_on_evaluated_split: boolean;
    in_sample_note: string | null;
  } | null;
}

type ListConfig = Pick<Config, 'nliModel' | 'embedModel' | 'dtype'> & Partial<Pick<Config, 'thresholdProfile' | 'lexiconFile' | 'modelsDir' | 'dataDir'>>;

// Where transformers.js finds a model without downloading: STANCE_MODELS_DIR, or the hub cache
// a previous run filled (app/inference.ts puts it under the data dir).
function modelFound(config: ListConfig, name: string): string | undefined {
  const base = config.modelsDir ?? (config.dataDir === undefined ? undefined : join(config.dataDir, 'models'));
  if (base === undefined) return undefined;
  const dir = join(base, name);
  return existsSync(join(dir, 'config.json')) ? dir : undefined;
}

function availabilityOf(descriptor: ScorerDescriptor, config: ListConfig): { available: boolean; availability: string } {
  if (descriptor.needsModels.length === 0) return { available: true, availability: 'needs no pretrained model' };
  const names = descriptor.needsModels.map((role) => (role === 'nli' ? config.nliModel : config.embedModel));
  const missing = names.filter((n) => !modelFound(config, n));
  if (missing.length === 0) return { available: true, availability: `model found locally: ${names.join(', ')}` };
  const how = config.modelsDir ? `not in STANCE_MODELS_DIR (${config.modelsDir})` : 'not downloaded yet: needs network on first use, or STANCE_MODELS_DIR';
  return { available: false, availability: `${missing.join(', ')} ${how}` };
}

async function latestEval(db: Db, name: string): Promise<ScorerListing['latest_eval']> {
  const [run] = await db.select().from(evalRuns).where(eq(evalRuns.scorer, name)).orderBy(desc(evalRuns.id)).limit(1);
  if (!run) return null;
  const metrics = run.metrics as Record<string, { macro_f1?: number | null }>;
  return {
    run_id: run.id,
    created_at: run.createdAt.toISOString(),
    set_file: run.setFile,
    split: run.split,
    n_items: run.nItems,
    macro_f1: Object.fromEntries(Object.entries(metrics).map(([axis, m]) => [axis, m.macro_f1 ?? null])),
    // Recorded by `stance eval` at the time: the model may have been retrained since.
    fitted_on_evaluated_split: run.settings.in_sample !== undefined,
    in_sample_note: run.settings.in_sample ?? null,
  };
}

async function versionOf(db: Db, config: ListConfig, descriptor: ScorerDescriptor, ref: ScorerRef): Promise<{ version: string | null; scored: boolean }> {
  try {
    return { version: (await descriptor.findStored(db, config, ref)).key, scored: true };
  } catch (err) {
    if (!(err instanceof NothingScoredError)) throw err;
    const version = descriptor.versionIn ? await descriptor.versionIn(db, ref) : descriptor.currentKey({ config, lexicon: loadLexiconFile(config.lexiconFile) }, ref);
    return { version: version ?? null, scored: false };
  }
}

/** Every scorer there is (plain kinds and the instances of parameterised ones), with version, availability and latest eval. */
export async function listScorers(db: Db, config: ListConfig): Promise<ScorerListing[]> {
  const out: ScorerListing[] = [];
  for (const { ref, descriptor } of await allScorerRefs(db)) {
    const entry = { name: ref.name, kind: descriptor.kind, summary: descriptor.summary, needs_models: [...descriptor.needsModels] };
    let state: Pick<ScorerListing, 'available' | 'availability' | 'version' | 'scored'>;
    try {
      state = { ...availabilityOf(descriptor, config), ...(await versionOf(db, config, descriptor, ref)) };
    } catch (err) {
      // A stored model this version cannot read (an older format, an edited row): the others
      // are still listed, and this one says why it cannot run.
      if (!(err instanceof ArtifactError)) throw err;
      state = { available: false, availability: err.message, version: null, scored: false };
    }
    out.push({ ...entry, ...state, latest_eval: await latestEval(db, ref.name) });
  }
  return out;
}
