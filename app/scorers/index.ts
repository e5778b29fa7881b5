import type { Db } from '../../db/client.ts';
import { lexiconScorer } from './lexicon.ts';
import { nliScorer, prototypeScorer } from './model-scorers.ts';
import { parseScorerName, ScorerNameError } from './names.ts';
import { ensembleScorer, trainedScorer } from './trained.ts';
import type { ModelRole, ScorerConfig, ScorerDescriptor, ScorerRef, StoredScorer } from './types.ts';
import { NothingScoredError } from '../lookup.ts';
import { loadThresholdProfile } from '../eval-threshold-profiles.ts';
import { ArtifactError } from '../../pipeline/train/artifact.ts';

export { ScorerNameError, knownScorerNames } from './names.ts';
export type { ScorerDescriptor, ScorerRef, ScoreRow } from './types.ts';

/**
 * Every scorer kind. This list is the one place that knows the kinds; commands, routes, workers
 * and evaluation go through it. For the default scorer (none named), see rankByPreference.
 *
 * A parameterised kind (trained:<name>, ensemble:<name>) is a descriptor with parameterised:
 * true whose instances(db) lists its names; runRefs gives the instances a processing run
 * writes, registration their keys (`trained:<name>:<artifact hash>`), findStored the key
 * queries read, scoreChunks/scoreTexts the model-free scoring.
 */
export const SCORERS: readonly ScorerDescriptor[] = [nliScorer, prototypeScorer, lexiconScorer, trainedScorer, ensembleScorer];

/** Parses a scorer name ("nli", "lexicon", "trained:dev") against the known kinds; ScorerNameError lists them. */
export function scorerByName(name: string): { ref: ScorerRef; descriptor: ScorerDescriptor } {
  return parseScorerName(name, SCORERS);
}

/** The pretrained models a named scorer needs: its kind's, or one instance's (an ensemble's model members). */
export async function modelsNeededBy(db: Db, named: { ref: ScorerRef; descriptor: ScorerDescriptor }): Promise<readonly ModelRole[]> {
  return (await named.descriptor.instanceNeeds?.(db, named.ref)) ?? named.descriptor.needsModels;
}

/** Every scorer name there is now, in order of preference: plain kinds, and each instance of a parameterised kind. */
export async function allScorerRefs(db: Db): Promise<{ ref: ScorerRef; descriptor: ScorerDescriptor }[]> {
  const out: { ref: ScorerRef; descriptor: ScorerDescriptor }[] = [];
  for (const descriptor of SCORERS) {
    const params = descriptor.parameterised ? ((await descriptor.instances?.(db)) ?? []) : [undefined];
    for (const param of params) out.push({ ref: { name: param === undefined ? descriptor.kind : `${descriptor.kind}:${param}`, kind: descriptor.kind, param }, descriptor });
  }
  return out;
}

/**
 * Scorers in order of preference for the default: the transformer scorers first (in SCORERS
 * order), then the model-free ones by the dev cross-validated macro-F1 their artifacts record
 * (mean over axes; never a test number), best first; a scorer that records none (the lexicon,
 * which learns nothing) comes after those that do. Stable otherwise.
 */
export async function rankByPreference<T extends { ref: ScorerRef; descriptor: ScorerDescriptor }>(db: Db, scorers: readonly T[]): Promise<T[]> {
  const keyed: { s: T; i: number; models: number; f1: number }[] = [];
  for (const [i, s] of scorers.entries()) {
    const f1 = s.descriptor.needsModels.length > 0 ? undefined : await s.descriptor.devMacroF1?.(db, s.ref);
    keyed.push({ s, i, models: s.descriptor.needsModels.length > 0 ? 0 : 1, f1: f1 ?? -1 });
  }
  return keyed.sort((x, y) => x.models - y.models || y.f1 - x.f1 || x.i - y.i).map((k) => k.s);
}

/** The scorers with stored scores for this configuration, in order of preference (rankByPreference). */
export async function scorersWithScores(db: Db, config: ScorerConfig): Promise<ResolvedScorer[]> {
  const out: ResolvedScorer[] = [];
  for (const { ref, descriptor } of await allScorerRefs(db)) {
    try {
      out.push({ ref, descriptor, stored: await descriptor.findStored(db, config, ref) });
    } catch (err) {
      // No scores, or a stored model this version cannot read (it says why when named): not a candidate.
      if (!(err instanceof NothingScoredError || err instanceof ArtifactError)) throw err;
    }
  }
  return rankByPreference(db, out);
}

/**
 * Why the default cannot be read under STANCE_THRESHOLD_PROFILE, or undefined when it can. A
 * profile's labels are a scorer version of their own, written only by `stance rescore`; until
 * then the scorer the profile was fitted for has no rows under it, and the default would slip to
 * the next scorer with scores: another method, with nothing to tell the user. So when that scorer
 * is the one the default would read without the profile, queries refuse and say what to run
 * (a named scorer, --scorer or STANCE_SCORER, is read as asked).
 */
export async function profileGap(db: Db, config: ScorerConfig): Promise<string | undefined> {
  if (config.scorer !== undefined || !config.thresholdProfile) return undefined;
  const profile = await loadThresholdProfile(db, config.thresholdProfile);
  const [best] = await scorersWithScores(db, { ...config, thresholdProfile: undefined });
  if (!best || best.ref.kind !== profile.scorer) return undefined;
  try {
    await best.descriptor.findStored(db, config, best.ref);
    return undefined;
  } catch (err) {
    if (!(err instanceof NothingScoredError)) throw err;
  }
  const kind = profile.scorer;
  return (
    `threshold profile ${profile.name} (STANCE_THRESHOLD_PROFILE) was fitted for the ${kind} scorer, which has no scores labelled with it yet; ` +
    `run \`stance rescore --scorer ${kind}\` to label the stored documents with the profile, unset STANCE_THRESHOLD_PROFILE to read ${kind} as scored, or name a scorer with --scorer`
  );
}

/**
 * The scorer a query reads when none is named: STANCE_SCORER, else the best with scores; null
 * when nothing is scored, or when a threshold profile has no scores yet (profileGap says why).
 */
export async function defaultScorerName(db: Db, config: ScorerConfig): Promise<string | null> {
  if (config.scorer !== undefined) return config.scorer;
  if (await profileGap(db, config)) return null;
  const [best] = await scorersWithScores(db, config);
  return best?.ref.name ?? null;
}

/** A scorer resolved for a query: its name and the stored version it reads. */
export interface ResolvedScorer {
  ref: ScorerRef;
  descriptor: ScorerDescriptor;
  stored: StoredScorer;
}

/**
 * The scorer a query reads: the one named (flag or parameter), else STANCE_SCORER, else the
 * best scorer with stored scores for this configuration (rankByPreference: transformer scorers
 * when they have scores, else the model-free scorer with the best recorded dev macro-F1).
 */
export async function resolveScorer(db: Db, config: ScorerConfig, named: string | undefined): Promise<ResolvedScorer> {
  const name = named ?? config.scorer;
  if (name !== undefined) {
    let parsed: { ref: ScorerRef; descriptor: ScorerDescriptor };
    try {
      parsed = scorerByName(name);
    } catch (err) {
      // Say where a bad name came from when it was not given on this command line.
      if (named === undefined && err instanceof ScorerNameError) throw new ScorerNameError(`STANCE_SCORER: ${err.message}`, { cause: err });
      throw err;
    }
    return { ...parsed, stored: await parsed.descriptor.findStored(db, config, parsed.ref) };
  }
  const gap = await profileGap(db, config);
  if (gap) throw new NothingScoredError(gap);
  const [best] = await scorersWithScores(db, config);
  if (best) return best;
  throw new NothingScoredError('nothing has been scored yet with any scorer; ingest documents (`stance ingest`, `npm start`) or run `stance rescore`');
}
