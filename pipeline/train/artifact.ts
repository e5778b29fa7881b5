import { z } from 'zod';
import { canonicalHash, canonicalJson } from './canonical-json.ts';
import { LEXICON_COLUMNS } from './lexicon-features.ts';

/** What the lexicon columns are, named in the artifact. */
export const LEXICON_COLUMN_SPEC = 'log1p-weighted-hits-per-pole';

/** Marks a JSON file as a stance model artifact, so a wrong file is refused by name. */
export const ARTIFACT_FORMAT = 'stance-model';
// 2: lexicon columns from pipeline/lexicon (weighted terms, negation window).
// 3: the length of the TF-IDF part of a row is part of the spec (features.tfidf_length).
// 4: a softmax temperature per axis (axes[].temperature, axes[].calibration), fitted on dev out-of-fold predictions.
export const ARTIFACT_FORMAT_VERSION = 4;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const labels4 = z.tuple([z.string().min(1), z.string().min(1), z.string().min(1), z.string().min(1)]);

/** Cross-validated quality of one regularisation strength. */
const cvPointSchema = z.strictObject({ c: finite, macro_f1: finite.nullable(), accuracy: finite.nullable() });

/** Dev out-of-fold NLL (nats per passage) and ECE of an axis's probabilities at T = 1 and at the fitted temperature. */
const calibrationSchema = z.strictObject({
  method: z.literal('temperature'),
  n: z.number().int().min(1),
  nll_t1: finite,
  nll: finite,
  ece_t1: finite,
  ece: finite,
});

/** The fitted classifier of one axis: label order, the C chosen and the weights (per label: columns then bias). */
const axisModelSchema = z.strictObject({
  axis: z.string().min(1),
  labels: labels4,
  /** The weighted lexicon terms ([term, weight]) of pole A and pole B (lexicon columns), or null without lexicon columns. */
  keywords: z.tuple([z.array(z.tuple([z.string(), finite])), z.array(z.tuple([z.string(), finite]))]).nullable(),
  c: finite,
  cross_validation: z.array(cvPointSchema),
  weights: z.array(z.array(finite)).length(4),
  /** Probabilities are softmax(scores / temperature); fitted on the out-of-fold dev scores at the chosen C (1 for a refit with a fixed C). */
  temperature: finite.refine((t) => t > 0, 'must be > 0'),
  /** How the temperature was fitted and what it changed on dev; null when it was given, not fitted (a refit with a fixed C). */
  calibration: calibrationSchema.nullable(),
});

// What every training run records, whether it fitted a model or an ensemble.
const trainingRecord = {
  set_sha256: z.string(),
  n_items: z.number().int(),
  n_documents: z.number().int(),
  seed: z.number().int(),
  folds: z.number().int(),
  c_grid: z.array(finite),
  class_weight: z.literal('balanced'),
};

const trainedSchema = z.strictObject({
  format: z.literal(ARTIFACT_FORMAT),
  format_version: z.literal(ARTIFACT_FORMAT_VERSION),
  kind: z.literal('trained'),
  name: z.string().min(1),
  version: z.string(),
  features: z.strictObject({
    ngrams: z.tuple([z.literal(1), z.literal(2)]),
    tokens: z.literal('nfkc-lowercase-letter-digit-runs'),
    min_df: z.number().int().min(1),
    tf: z.literal('sublinear'),
    idf: z.literal('smooth'),
    norm: z.literal('l2'),
    /** Euclidean length the TF-IDF part of each row is scaled to. */
    tfidf_length: finite.refine((x) => x > 0, 'must be > 0'),
    lexicon: z
      .strictObject({
        columns: z.literal(LEXICON_COLUMN_SPEC),
        /** Version of the lexicon file the terms came from (pipeline/lexicon). */
        lexicon_version: z.string(),
        negation: z.strictObject({ cues: z.array(z.string()), window: z.number().int().min(0) }),
      })
      .nullable(),
    embedding: z.strictObject({ model: z.string(), dimension: z.number().int().min(1) }).nullable(),
  }),
  /** [term, idf] in column order (terms sorted by code units). */
  vocabulary: z.array(z.tuple([z.string(), finite])),
  training: z.strictObject({
    ...trainingRecord,
    split: z.enum(['dev', 'test', 'all']),
    /** Extra train-only items (`--extra`), counted in n_items; absent when there were none. */
    n_extra_items: z.number().int().min(1).optional(),
    selection: z.literal('max pooled out-of-fold macro-F1, ties to the smaller C'),
  }),
  axes: z.array(axisModelSchema).min(1),
});

/** A stacked ensemble: per axis a multinomial LR on the members' log label probabilities. */
const ensembleSchema = z.strictObject({
  format: z.literal(ARTIFACT_FORMAT),
  format_version: z.literal(ARTIFACT_FORMAT_VERSION),
  kind: z.literal('ensemble'),
  name: z.string().min(1),
  version: z.string(),
  /** Scorer name and version of each member, in column order. */
  members: z.array(z.strictObject({ name: z.string().min(1), version: z.string() })).min(1),
  features: z.strictObject({ input: z.literal('log-probabilities'), floor: finite }),
  training: z.strictObject({
    ...trainingRecord,
    split: z.literal('dev'),
    member_predictions: z.literal('out-of-fold on dev (trained members refitted per fold)'),
  }),
  axes: z.array(axisModelSchema.omit({ keywords: true })).min(1),
});

export const artifactSchema = z.discriminatedUnion('kind', [trainedSchema, ensembleSchema]);

export type TrainedArtifact = z.infer<typeof trainedSchema>;
export type EnsembleArtifact = z.infer<typeof ensembleSchema>;
export type ModelArtifact = TrainedArtifact | EnsembleArtifact;
export type TrainedAxisModel = TrainedArtifact['axes'][number];
export type CvPoint = z.infer<typeof cvPointSchema>;

/** Error in an artifact file or object: says what is wrong and where. */
export class ArtifactError extends Error {
  override name = 'ArtifactError';
}

/**
 * The version of an artifact: the first 12 hex digits of the SHA-256 of its canonical JSON
 * without name and version, so it changes exactly when something that shapes predictions
 * (or records how they were made) changes, and not on a rename.
 */
export function artifactVersion(artifact: ModelArtifact): string {
  const { name: _name, version: _version, ...content } = artifact;
  return canonicalHash(content).slice(0, 12);
}

/** The artifact with its version field set from its content. */
export function withVersion<A extends ModelArtifact>(artifact: A): A {
  return { ...artifact, version: artifactVersion(artifact) };
}

/** The exact bytes an artifact is exported and committed as. */
export function serializeArtifact(artifact: ModelArtifact): string {
  return canonicalJson(artifact);
}

/**
 * Validates parsed JSON as an artifact (`source` names it in messages) and checks that its
 * version matches its content: a hand-edited file must not pass under the old version.
 */
export function parseArtifact(json: unknown, source: string): ModelArtifact {
  const format = json !== null && typeof json === 'object' ? (json as { format?: unknown; format_version?: unknown }) : {};
  if (format.format === ARTIFACT_FORMAT && typeof format.format_version === 'number' && format.format_version < ARTIFACT_FORMAT_VERSION) {
    // An older format predicts differently (format 3: no temperature), so it is not read as if it were current.
    throw new ArtifactError(`${source}: model format ${format.format_version} is older than this version of stance reads (${ARTIFACT_FORMAT_VERSION}); retrain it with \`stance train\``);
  }
  const parsed = artifactSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    throw new ArtifactError(`${source}: ${where}: ${issue?.message ?? 'invalid model artifact'} (expected a file written by \`stance train\` or \`stance train export\`)`, {
      cause: parsed.error,
    });
  }
  const artifact = parsed.data;
  const expected = artifactVersion(artifact);
  if (artifact.version !== expected) {
    throw new ArtifactError(`${source}: version "${artifact.version}" does not match the content (its hash is ${expected}); the file was changed after training: retrain it with \`stance train\``);
  }
  {
    const width = artifact.kind === 'trained' ? artifactWidth(artifact) : artifact.members.length * 4;
    for (const axis of artifact.axes) {
      axis.weights.forEach((row, k) => {
        if (row.length !== width + 1) throw new ArtifactError(`${source}: axes.${axis.axis}.weights[${k}] has ${row.length} values, expected ${width + 1} (columns + bias)`);
      });
    }
  }
  return artifact;
}

/** Number of feature columns of a trained artifact's axis with lexicon columns (the same for every axis). */
export function artifactWidth(artifact: TrainedArtifact): number {
  return artifact.vocabulary.length + (artifact.features.lexicon ? LEXICON_COLUMNS : 0) + (artifact.features.embedding?.dimension ?? 0);
}
