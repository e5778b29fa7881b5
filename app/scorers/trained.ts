import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { scorers } from '../../db/schema/index.ts';
import { labelProbabilities } from '../../eval/label-probabilities.ts';
import type { Axis } from '../../pipeline/axes.ts';
import type { LexiconFile } from '../../pipeline/lexicon/lexicon-file.ts';
import { type EnsembleArtifact, type ModelArtifact, type TrainedArtifact } from '../../pipeline/train/artifact.ts';
import { predictEnsemble } from '../../pipeline/train/ensemble.ts';
import { artifactAxisTerms, predict, type AxisLabelProbabilities } from '../../pipeline/train/predict.ts';
import { termMatcher } from '../../pipeline/lexicon/match.ts';
import { matchedTerms } from '../../pipeline/lexicon/score.ts';
import { axisFileSettings } from '../eval-score.ts';
import { NothingScoredError } from '../lookup.ts';
import { lookupModel, modelNames } from '../trained-models.ts';
import { lexiconScorer } from './lexicon.ts';
import { nliScorer, prototypeScorer } from './model-scorers.ts';
import { ScorerNameError } from './names.ts';
import type { StepContext } from '../steps.ts';
import { memoOf, type TextMemo } from './text-memo.ts';
import type { ModelRole, ScoreRow, ScorerDescriptor, ScorerRef } from './types.ts';

type ModelKind = 'trained' | 'ensemble';


/** Where an instance's artifact comes from. */
interface LoadedArtifact<A extends ModelArtifact> {
  artifact: A;
  source: 'store' | 'file';
}

/** The artifact of kind:name: the latest stored version, else the shipped file (lookupModel); ScorerNameError listing the known names otherwise. */
async function loadInstance<K extends ModelKind>(db: Db, kind: K, name: string, version?: string): Promise<LoadedArtifact<K extends 'trained' ? TrainedArtifact : EnsembleArtifact>> {
  type A = K extends 'trained' ? TrainedArtifact : EnsembleArtifact;
  const found = await lookupModel(db, kind, name, version);
  if (found) return { artifact: found.artifact as A, source: found.source };
  const known = (await modelNames(db, kind)).map((n) => `${kind}:${n}`);
  const what = version === undefined ? `"${name}"` : `"${name}" with version ${version}`;
  const how = kind === 'trained' ? `\`stance train --name ${name}\`` : `\`stance train --ensemble ${name} --members ...\``;
  throw new ScorerNameError(`no ${kind} model ${what} (known: ${known.join(', ') || 'none'}); make one with ${how} or \`stance train import FILE\``);
}

/**
 * Artifacts a run has read, per run (its StepContext, or an evaluation's environment): parsing
 * and re-hashing an artifact costs tens of milliseconds of the main thread, once per batch before,
 * and a run must score with the version its scorer id names, not with one trained while it runs.
 */
const runArtifacts = new WeakMap<object, Map<string, Promise<LoadedArtifact<ModelArtifact>>>>();

type ArtifactLoader = <K extends ModelKind>(kind: K, name: string, version?: string) => Promise<LoadedArtifact<K extends 'trained' ? TrainedArtifact : EnsembleArtifact>>;

/** loadInstance, once per run and (kind, name, version). */
function runLoader(run: object, db: Db): ArtifactLoader {
  let cache = runArtifacts.get(run);
  if (!cache) runArtifacts.set(run, (cache = new Map()));
  const memo = cache;
  return ((kind: ModelKind, name: string, version?: string) => {
    const key = `${kind}:${name}:${version ?? ''}`;
    let hit = memo.get(key);
    if (!hit) {
      hit = loadInstance(db, kind, name, version);
      memo.set(key, hit);
      // A failed load is not remembered: the next batch tries again (and reports its own error).
      hit.catch(() => memo.delete(key));
    }
    return hit;
  }) as ArtifactLoader;
}

/** The artifact version a run registered for `kind:name` (its scorer key is kind:name:version), if it registered one. */
function registeredVersion(ctx: StepContext, kind: ModelKind, name: string): string | undefined {
  const key = ctx.registry.scorerKeys[`${kind}:${name}`];
  const prefix = `${kind}:${name}:`;
  return key?.startsWith(prefix) ? key.slice(prefix.length) : undefined;
}

/** The version key of an instance: kind, name and the artifact's content hash. */
export function modelScorerKey(kind: ModelKind, name: string, artifact: ModelArtifact): string {
  return `${kind}:${name}:${artifact.version}`;
}

/** The most probable label (ties to the earlier label: pole A, pole B, neutral, irrelevant). */
function argmaxLabel(probs: Record<string, number>, labels: readonly string[]): string {
  return labels.reduce((best, l) => ((probs[l] ?? 0) > (probs[best] ?? 0) ? l : best), labels[0] as string);
}

/**
 * A score row from a 4-label distribution (a model's, after its temperature): probA = P(pole A), probB = P(pole B), score = probB -
 * probA (in [-1, 1], near 0 when the mass is on neutral or irrelevant), relevance = 1 -
 * P(irrelevant), label = the most probable of the four (no thresholds: the model already weighs
 * the four labels), details = the probabilities (and, for a trained model, the lexicon terms it
 * matched; for an ensemble, each member's label).
 */
export function rowFromProbabilities(axis: Axis, probs: Record<string, number>, extra?: Record<string, unknown>): ScoreRow {
  const labels = [axis.poles[0].slug, axis.poles[1].slug, 'neutral', 'irrelevant'];
  const probA = probs[labels[0] as string] ?? 0;
  const probB = probs[labels[1] as string] ?? 0;
  const rounded = Object.fromEntries(labels.map((l) => [l, Math.round((probs[l] ?? 0) * 1e4) / 1e4]));
  return {
    probA,
    probB,
    score: Math.max(-1, Math.min(1, probB - probA)),
    relevance: Math.max(0, Math.min(1, 1 - (probs.irrelevant ?? 0))),
    label: argmaxLabel(probs, labels),
    details: { label_probabilities: rounded, ...extra },
  };
}

/** Where a model's rows come from: the texts and the models a run or an evaluation has. */
interface ScoringSource {
  /** The run's artifacts (runLoader). */
  load: ArtifactLoader;
  axes: Axis[];
  lexicon: LexiconFile;
  texts: readonly string[];
  /** A member scorer's rows for the texts (nli, prototype, lexicon), or undefined when its models are missing. */
  memberRows(kind: 'nli' | 'prototype' | 'lexicon'): Promise<ScoreRow[][] | undefined>;
}

function probabilitiesOfRows(axes: Axis[], rows: ScoreRow[][]): AxisLabelProbabilities[] {
  return rows.map((row) => Object.fromEntries(axes.map((axis, x) => [axis.slug, labelProbabilities({ slug: axis.slug, poles: [axis.poles[0].slug, axis.poles[1].slug] }, row[x] as ScoreRow)])));
}

function checkAxes(name: string, artifact: ModelArtifact, axes: Axis[]): void {
  const have = new Set(artifact.axes.map((a) => a.axis));
  const missing = axes.filter((a) => !have.has(a.slug)).map((a) => a.slug);
  if (missing.length > 0) throw new Error(`${name} has no model for axis ${missing.join(', ')} (it has ${[...have].join(', ')}); retrain it with the current axes`);
}

// Per artifact (one object per run and version: runLoader), its probabilities of recent texts: an
// ensemble with a trained member predicts again the chunks that model has just scored.
const predictions = new WeakMap<object, TextMemo<AxisLabelProbabilities>>();

function trainedProbabilities(name: string, artifact: TrainedArtifact, source: ScoringSource): AxisLabelProbabilities[] {
  if (artifact.features.embedding !== null) throw new Error(`${name} uses embedding columns, which the scorer cannot compute yet; train it without --with-embeddings`);
  checkAxes(name, artifact, source.axes);
  return memoOf(predictions, artifact).through(source.texts, (texts) => predict(artifact, texts));
}

/** Models an ensemble's members need (nli, prototype). */
function ensembleNeeds(artifact: EnsembleArtifact): ModelRole[] {
  return artifact.members.flatMap((m) => (m.name === 'nli' ? ['nli' as const] : m.name === 'prototype' ? ['embedding' as const] : []));
}

async function ensembleProbabilities(name: string, artifact: EnsembleArtifact, source: ScoringSource): Promise<{ probs: AxisLabelProbabilities[]; members: AxisLabelProbabilities[][] }> {
  checkAxes(name, artifact, source.axes);
  const members: AxisLabelProbabilities[][] = [];
  for (const m of artifact.members) {
    if (m.name.startsWith('trained:')) {
      // The member as it was fitted: the exact version the stacker saw.
      const { artifact: member } = await source.load('trained', m.name.slice('trained:'.length), m.version);
      members.push(trainedProbabilities(m.name, member, source));
      continue;
    }
    if (m.name === 'lexicon' && m.version !== source.lexicon.version) {
      throw new Error(`${name} was fitted with lexicon version ${m.version}, but the lexicon file is now version ${source.lexicon.version}; refit it with \`stance train --ensemble ${artifact.name} --members ${artifact.members.map((x) => x.name).join(',')}\``);
    }
    if (m.name !== 'lexicon' && m.name !== 'nli' && m.name !== 'prototype') throw new Error(`${name}: unknown member ${m.name}`);
    const rows = await source.memberRows(m.name);
    if (rows === undefined) throw new Error(`${name} needs its member ${m.name}, whose pretrained model is not loaded; the ensemble is unavailable on this machine`);
    members.push(probabilitiesOfRows(source.axes, rows));
  }
  return { probs: predictEnsemble(artifact, members), members };
}

// Per artifact and axis, the matcher of the artifact's lexicon terms (built once: a regex of every term).
const matcherCache = new WeakMap<TrainedArtifact, Map<string, ReturnType<typeof termMatcher> | undefined>>();

function artifactMatcher(artifact: TrainedArtifact, axisSlug: string): ReturnType<typeof termMatcher> | undefined {
  let byAxis = matcherCache.get(artifact);
  if (!byAxis) matcherCache.set(artifact, (byAxis = new Map()));
  if (!byAxis.has(axisSlug)) {
    const model = artifact.axes.find((a) => a.axis === axisSlug);
    const terms = model ? artifactAxisTerms(artifact, model) : null;
    byAxis.set(axisSlug, terms ? termMatcher(terms.poles, terms.negation) : undefined);
  }
  return byAxis.get(axisSlug);
}

async function scoreWith(kind: ModelKind, ref: ScorerRef, source: ScoringSource, version?: string): Promise<ScoreRow[][]> {
  const { artifact } = await source.load(kind, ref.param as string, version);
  if (artifact.kind === 'trained') {
    const probs = trainedProbabilities(ref.name, artifact, source);
    // The lexicon hits the model read (its lexicon columns), kept as the lexicon scorer keeps them: part of why.
    const matchers = source.axes.map((axis) => artifactMatcher(artifact, axis.slug));
    return probs.map((p, i) =>
      source.axes.map((axis, x) => {
        const match = matchers[x];
        const extra = match ? { terms: matchedTerms(match(source.texts[i] as string), [axis.poles[0].slug, axis.poles[1].slug]) } : undefined;
        return rowFromProbabilities(axis, p[axis.slug] ?? {}, extra);
      }),
    );
  }
  const { probs, members } = await ensembleProbabilities(ref.name, artifact as EnsembleArtifact, source);
  return probs.map((p, i) =>
    source.axes.map((axis) => {
      const labels = [axis.poles[0].slug, axis.poles[1].slug, 'neutral', 'irrelevant'];
      const memberLabels = Object.fromEntries(artifact.members.map((m, k) => [m.name, argmaxLabel(members[k]?.[i]?.[axis.slug] ?? {}, labels)]));
      return rowFromProbabilities(axis, p[axis.slug] ?? {}, { member_labels: memberLabels });
    }),
  );
}

/** The dev cross-validated macro-F1 an artifact records (mean over axes, at the chosen C), for ranking the defaults. */
export function recordedDevMacroF1(artifact: ModelArtifact): number | undefined {
  const values = artifact.axes.map((a) => a.cross_validation.find((p) => p.c === a.c)?.macro_f1);
  if (values.length === 0 || values.some((v) => v === null || v === undefined)) return undefined;
  return (values as number[]).reduce((s, v) => s + v, 0) / values.length;
}

function modelDescriptor(kind: ModelKind, summary: string): ScorerDescriptor {
  return {
    kind,
    summary,
    needsModels: [],
    instanceNeeds: async (db, ref) => {
      const { artifact } = await loadInstance(db, kind, ref.param as string);
      return artifact.kind === 'ensemble' ? ensembleNeeds(artifact) : [];
    },
    parameterised: true,
    readsEmbeddings: false,
    instances: (db) => modelNames(db, kind),
    runRefs: async (env) => {
      const refs: ScorerRef[] = [];
      for (const name of await modelNames(env.db, kind)) {
        const { artifact } = await loadInstance(env.db, kind, name);
        // Usable here: no embedding columns, and an ensemble's model members only when the models loaded.
        if (artifact.kind === 'trained' && artifact.features.embedding !== null) continue;
        if (artifact.kind === 'ensemble' && ensembleNeeds(artifact).length > 0 && !env.inference) continue;
        refs.push({ name: `${kind}:${name}`, kind, param: name });
      }
      return refs;
    },
    registration: async (env, ref) => {
      const { artifact, source } = await loadInstance(env.db, kind, ref.param as string);
      return {
        key: modelScorerKey(kind, ref.param as string, artifact),
        modelId: null,
        settings: {
          artifact_version: artifact.version,
          artifact_source: source,
          label: 'argmax of the four label probabilities',
          score: 'P(pole B) - P(pole A)',
          relevance: '1 - P(irrelevant)',
          ...(artifact.kind === 'ensemble' && { members: artifact.members }),
        },
      };
    },
    scoreChunks: async (ctx, ref, chunks) => {
      const source: ScoringSource = {
        load: runLoader(ctx, ctx.db),
        axes: ctx.axes,
        lexicon: ctx.lexicon,
        texts: chunks.map((c) => c.text),
        memberRows: async (member) => {
          if (member === 'lexicon') return lexiconScorer.scoreChunks(ctx, { name: 'lexicon', kind: 'lexicon', param: undefined }, chunks);
          if (!ctx.inference) return undefined;
          const d = member === 'nli' ? nliScorer : prototypeScorer;
          return d.scoreChunks(ctx, { name: member, kind: member, param: undefined }, chunks);
        },
      };
      return scoreWith(kind, ref, source, registeredVersion(ctx, kind, ref.param as string));
    },
    findStored: async (db, _config, ref) => {
      const { artifact } = await loadInstance(db, kind, ref.param as string);
      const key = modelScorerKey(kind, ref.param as string, artifact);
      const [row] = await db.select({ id: scorers.id, key: scorers.key }).from(scorers).where(and(eq(scorers.kind, kind), eq(scorers.key, key)));
      if (!row) throw new NothingScoredError(`nothing has been scored with ${ref.name} version ${artifact.version} yet; run \`stance rescore --scorer ${ref.name}\``);
      // Relevant = P(irrelevant) <= 0.5 (relevance >= 0.5). Every chunk with another label than
      // irrelevant passes (its P(irrelevant) is below its label's, so below 0.5); a chunk labelled
      // irrelevant at P(irrelevant) below 0.5 passes too. The count depends on the temperature,
      // the labels do not (the same argmax at every T).
      const own = Object.fromEntries(artifact.axes.map((a) => [a.axis, { relevance: 0.5, margin: 0 }]));
      return { ...row, profileThresholds: own };
    },
    // The version depends on the artifact in the store or file: versionIn reads it.
    currentKey: () => undefined,
    versionIn: async (db, ref) => modelScorerKey(kind, ref.param as string, (await loadInstance(db, kind, ref.param as string)).artifact),
    defaultSettings: (env) => axisFileSettings(env.axes),
    scoreTexts: async (env, ref, texts, _settings, onProgress) => {
      if (!env.db) throw new Error(`${ref.name} needs the store to find its artifact`);
      const rows = await scoreWith(kind, ref, {
        load: runLoader(env, env.db),
        axes: env.axes,
        lexicon: env.lexicon,
        texts,
        memberRows: async (member) => {
          const d = member === 'lexicon' ? lexiconScorer : member === 'nli' ? nliScorer : prototypeScorer;
          if (member !== 'lexicon' && !env.inference) return undefined;
          return d.scoreTexts(env, { name: member, kind: member, param: undefined }, texts, d.defaultSettings(env));
        },
      });
      onProgress?.(texts.length, texts.length);
      return rows;
    },
    fittedOn: async (db, ref) => {
      const { artifact } = await loadInstance(db, kind, ref.param as string);
      const own = { what: ref.name, split: artifact.training.split };
      if (artifact.kind !== 'ensemble') return [own];
      // A trained member was fitted on items of its own: the ensemble's output carries what it memorised.
      const members = artifact.members.filter((m) => m.name.startsWith('trained:'));
      const fitted = await Promise.all(
        members.map(async (m) => ({ what: `its member ${m.name}`, split: (await loadInstance(db, 'trained', m.name.slice('trained:'.length), m.version)).artifact.training.split })),
      );
      return [own, ...fitted];
    },
    devMacroF1: async (db, ref) => recordedDevMacroF1((await loadInstance(db, kind, ref.param as string)).artifact),
  };
}

/** `trained:<name>`: a model of `stance train` (TF-IDF + lexicon hits, multinomial LR per axis); needs no pretrained model. */
export const trainedScorer = modelDescriptor('trained', 'multinomial logistic regression per axis on TF-IDF uni/bigrams + lexicon hits (`stance train`); label = most probable of the four');

/** `ensemble:<name>`: a stacked ensemble of scorers (`stance train --ensemble`); unavailable when a member's pretrained model is missing. */
export const ensembleScorer = modelDescriptor('ensemble', 'stacked ensemble of scorers\' label probabilities, fitted on out-of-fold dev predictions (`stance train --ensemble`)');
