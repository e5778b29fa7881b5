import type { Config } from '../../config/config.ts';
import type { Db } from '../../db/client.ts';
import type { Axis } from '../../pipeline/axes.ts';
import type { Fitting } from '../../eval/in-sample.ts';
import type { LexiconFile } from '../../pipeline/lexicon/lexicon-file.ts';
import type { AxisScore, Thresholds } from '../../pipeline/stance-score.ts';
import type { EvalInference } from '../eval-inference.ts';
import type { ScoringSettings } from '../eval-score.ts';
import type { Inference } from '../inference.ts';
import type { StepContext } from '../steps.ts';

/** The pretrained models a scorer may need. */
export type ModelRole = 'embedding' | 'nli';

/** A scorer name as a user gives it ("nli", "lexicon", "trained:dev"), split into kind and parameter. */
export interface ScorerRef {
  /** The full name, as stored in results and shown to users. */
  name: string;
  kind: string;
  /** The instance of a parameterised kind ("dev" in "trained:dev"); undefined for plain kinds. */
  param: string | undefined;
}

/** One chunk's result on one axis, the shape every scorer stores (details: why, e.g. matched terms). */
export type ScoreRow = AxisScore & { details?: Record<string, unknown> | null };

/** The configuration scorers read to find their versions without loading models. */
export type ScorerConfig = Pick<Config, 'nliModel' | 'embedModel' | 'dtype'> & Partial<Pick<Config, 'thresholdProfile' | 'lexiconFile' | 'scorer' | 'nliGate'>>;

/** A stored scorer version that queries read. */
export interface StoredScorer {
  id: number;
  key: string;
  /** Per-axis thresholds this version labelled with when they are not the axes file's (a threshold profile's, the lexicon file's). */
  profileThresholds: Record<string, Thresholds> | undefined;
}

/** What a run that writes scores offers its scorers: the store, the axes, the models if loaded. */
export interface RunEnv {
  db: Db;
  axes: Axis[];
  config: Partial<ScorerConfig>;
  /** Absent when the pretrained models could not be loaded (or were not asked for). */
  inference: Inference | undefined;
  modelIds: { embed?: number; nli?: number };
  /** Threshold-profile tags by scorer kind: a profile's labels are a scorer version of their own. */
  profiles?: Partial<Record<string, string>>;
  lexicon: LexiconFile;
}

/** The scorer version a run registers: its key (the version: a hash of all that determines the output), model and settings. */
export interface ScorerRegistration {
  key: string;
  modelId: number | null;
  settings: Record<string, unknown>;
}

/** What evaluation offers a scorer: the axes, the configuration, the models if loaded. */
export interface EvalEnv {
  /** The store, for scorers whose instances live there (trained, ensemble). */
  db?: Db;
  axes: Axis[];
  config: Partial<ScorerConfig>;
  lexicon: LexiconFile;
  inference: EvalInference | undefined;
}

/**
 * One kind of scorer: everything the commands, routes, workers and evaluation need to know
 * about it. Adding a kind means writing one of these and listing it in app/scorers/index.ts.
 */
export interface ScorerDescriptor {
  kind: string;
  /** One line for `stance scorers` and --help. */
  summary: string;
  /** Pretrained models it needs; [] means it runs on any machine. */
  needsModels: readonly ModelRole[];
  /**
   * The pretrained models one instance needs when that is more than the kind's needsModels: an
   * ensemble with nli or prototype members needs their models. Absent: needsModels.
   */
  instanceNeeds?(db: Db, ref: ScorerRef): Promise<readonly ModelRole[]>;
  /** True for kinds named "kind:<name>" (one instance per trained artifact, ensemble, ...). */
  parameterised: boolean;
  /** True when chunk embeddings must be stored before it scores (the embed step runs first). */
  readsEmbeddings: boolean;
  /** Instance names that exist now (parameterised kinds), e.g. the trained models in the store. */
  instances?(db: Db): Promise<string[]>;
  /** The scorer names a processing run writes with this kind (none when its models are missing). */
  runRefs(env: RunEnv): Promise<ScorerRef[]>;
  /** The version a run registers for a name. */
  registration(env: RunEnv, ref: ScorerRef): Promise<ScorerRegistration>;
  /** Scores chunks on ctx.axes: rows[chunk][axis]. */
  scoreChunks(ctx: StepContext, ref: ScorerRef, chunks: { id: number; text: string }[]): Promise<ScoreRow[][]>;
  /** The stored version that queries under this configuration read (no model is loaded); NothingScoredError if none. */
  findStored(db: Db, config: ScorerConfig, ref: ScorerRef): Promise<StoredScorer>;
  /** The version key evaluation records (and `stance scorers` shows) for this configuration, or undefined when it depends on a model not loaded. */
  currentKey(env: { config: Partial<ScorerConfig>; lexicon: LexiconFile }, ref: ScorerRef): string | undefined;
  /** The version key from the store or files when it is not known from the configuration alone (trained/ensemble artifacts). */
  versionIn?(db: Db, ref: ScorerRef): Promise<string>;
  /**
   * What the scorer's output was fitted on, by the split its training record names (a trained
   * model, an ensemble and its trained members); absent or [] for scorers that learn nothing.
   * Evaluation marks a split that overlaps these as in-sample.
   */
  fittedOn?(db: Db, ref: ScorerRef): Promise<Fitting[]>;
  /** The dev cross-validated macro-F1 (mean over axes) the scorer records, for choosing the default; undefined when none is recorded. */
  devMacroF1?(db: Db, ref: ScorerRef): Promise<number | undefined>;
  /** The label settings evaluation uses when no threshold profile applies. */
  defaultSettings(env: { axes: Axis[]; lexicon: LexiconFile }): ScoringSettings;
  /** Scores texts without storing (stance eval): scores[text][axis]. */
  scoreTexts(env: EvalEnv, ref: ScorerRef, texts: readonly string[], settings: ScoringSettings, onProgress?: (done: number, total: number) => void): Promise<ScoreRow[][]>;
}
