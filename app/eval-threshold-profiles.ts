import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { thresholdProfiles, type ProfileAxisSettings, type RecordedModels } from '../db/schema/index.ts';
import { canonicalJson, type Axis } from '../pipeline/axes.ts';
import type { Thresholds } from '../pipeline/stance-score.ts';
import { axisFileSettings, type ScoringSettings } from './eval-score.ts';
import type { ScorerKind } from './registry.ts';
import { scorerByName } from './scorers/index.ts';
import type { LexiconFile } from '../pipeline/lexicon/lexicon-file.ts';

/** A threshold profile that does not exist or cannot be written; the message lists what does exist. */
export class ThresholdProfileError extends Error {
  override name = 'ThresholdProfileError';
}

/** A stored threshold profile in the form scoring takes it (StepContext's thresholds and temperatures). */
export interface ThresholdProfile {
  name: string;
  /** The scorer the profile was fitted for; its thresholds mean little on the other scorer's scale. */
  scorer: ScorerKind;
  thresholds: Record<string, Thresholds>;
  temperatures: Record<string, number>;
  axisVersions: Record<string, string>;
  models: RecordedModels;
  setHash: string;
  setFile: string;
  fit: Record<string, unknown>;
  createdAt: Date;
}

/** What `stance eval calibrate` stores. */
export interface NewThresholdProfile {
  name: string;
  scorer: ScorerKind;
  axes: Record<string, ProfileAxisSettings>;
  axisVersions: Record<string, string>;
  models: RecordedModels;
  setHash: string;
  setFile: string;
  fit: Record<string, unknown>;
}

/** Names of the stored profiles, oldest first. */
export async function thresholdProfileNames(db: Db): Promise<string[]> {
  const rows = await db.select({ name: thresholdProfiles.name }).from(thresholdProfiles).orderBy(asc(thresholdProfiles.id));
  return rows.map((r) => r.name);
}

/**
 * Loads a named threshold profile: per axis slug the label thresholds and the NLI temperature.
 * Axes the profile does not name keep the axes file's thresholds and temperature 1 (use
 * scoringSettingsWithProfile to merge). Throws ThresholdProfileError naming the stored
 * profiles when there is none by that name.
 */
export async function loadThresholdProfile(db: Db, name: string): Promise<ThresholdProfile> {
  const [row] = await db.select().from(thresholdProfiles).where(eq(thresholdProfiles.name, name));
  if (!row) {
    const known = await thresholdProfileNames(db);
    throw new ThresholdProfileError(
      `no threshold profile named "${name}" (${known.length ? `stored profiles: ${known.join(', ')}` : 'none stored yet'}); fit one with \`stance eval calibrate --set FILE --name ${name}\``,
    );
  }
  const entries = Object.entries(row.axes);
  return {
    name: row.name,
    scorer: row.scorer,
    thresholds: Object.fromEntries(entries.map(([slug, s]) => [slug, { relevance: s.relevance, margin: s.margin }])),
    temperatures: Object.fromEntries(entries.map(([slug, s]) => [slug, s.temperature])),
    axisVersions: row.axisVersions,
    models: row.models,
    setHash: row.setHash,
    setFile: row.setFile,
    fit: row.fit,
    createdAt: row.createdAt,
  };
}

/**
 * Stores a profile. An existing name is refused unless `replace` is set: scores already stored
 * under a profile's name were made with its old numbers, and silently changing them would make
 * those scores lie about what produced them.
 */
export async function saveThresholdProfile(db: Db, profile: NewThresholdProfile, options: { replace?: boolean } = {}): Promise<'created' | 'replaced'> {
  const [existing] = await db.select({ id: thresholdProfiles.id }).from(thresholdProfiles).where(eq(thresholdProfiles.name, profile.name));
  if (existing && !options.replace) {
    throw new ThresholdProfileError(`a threshold profile named "${profile.name}" exists already; choose another --name or pass --replace`);
  }
  if (existing) {
    await db.update(thresholdProfiles).set({ ...profile, createdAt: new Date() }).where(eq(thresholdProfiles.id, existing.id));
    return 'replaced';
  }
  await db.insert(thresholdProfiles).values(profile);
  return 'created';
}

/** The settings for a scorer: the axes file's, with the profile's numbers over them when it was fitted for that scorer. */
export function scoringSettingsWithProfile(axes: readonly Axis[], kind: ScorerKind, profile: ThresholdProfile | undefined): ScoringSettings {
  const base = axisFileSettings(axes);
  if (!profile || profile.scorer !== kind) return base;
  for (const axis of axes) {
    const thresholds = profile.thresholds[axis.slug];
    const temperature = profile.temperatures[axis.slug];
    if (thresholds) base.thresholds[axis.slug] = thresholds;
    if (temperature !== undefined && kind === 'nli') base.temperatures[axis.slug] = temperature;
  }
  return base;
}

/** Why a profile may not fit the current axes and models (it was fitted on other versions); empty when it fits. */
export function profileMismatches(profile: ThresholdProfile, axes: readonly Axis[], models: RecordedModels): string[] {
  const notes: string[] = [];
  for (const axis of axes) {
    const fitted = profile.axisVersions[axis.slug];
    if (fitted === undefined) notes.push(`profile "${profile.name}" has no settings for axis ${axis.slug}; it keeps the axes file's thresholds`);
    else if (fitted !== axis.version) notes.push(`profile "${profile.name}" was fitted on version ${fitted} of axis ${axis.slug}, which is now ${axis.version}`);
  }
  const key = profile.scorer === 'nli' ? 'nli' : 'embed';
  const then = profile.models[key];
  const now = models[key];
  if (then.name !== now.name || then.dtype !== now.dtype || then.version !== now.version) {
    notes.push(`profile "${profile.name}" was fitted with ${then.name} (${then.dtype}, ${then.version}); the model now is ${now.name} (${now.dtype}, ${now.version})`);
  }
  return notes;
}

/**
 * The profile's part of a scorer version key: its name and a hash of its numbers, so replacing a
 * profile under the same name makes a new scorer version instead of mixing old and new labels.
 */
export function profileTag(profile: Pick<ThresholdProfile, 'name' | 'thresholds' | 'temperatures'>): string {
  const numbers = canonicalJson({ thresholds: profile.thresholds, temperatures: profile.temperatures });
  return `${profile.name}@${createHash('sha256').update(numbers).digest('hex').slice(0, 8)}`;
}

/** The label settings of a scorer: a threshold profile's for the scorer it was fitted for, else the scorer's own defaults. */
export function scorerSettings(name: string, axes: Axis[], lexicon: LexiconFile, profile: ThresholdProfile | undefined): ScoringSettings {
  const { descriptor } = scorerByName(name);
  if (profile && profile.scorer === name) return scoringSettingsWithProfile(axes, profile.scorer, profile);
  return descriptor.defaultSettings({ axes, lexicon });
}
