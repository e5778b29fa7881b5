import type { Config } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import type { Axis } from '../pipeline/axes.ts';
import { loadLexiconFile } from '../pipeline/lexicon/load.ts';
import type { Inference } from './inference.ts';
import { NLI_BATCH_SIZE, nliBatchSizeFor } from '../pipeline/pool-shape.ts';
import { loadThresholdProfile, profileTag, scoringSettingsWithProfile } from './eval-threshold-profiles.ts';
import { ensureAxis, ensureModel, ensureScorer, type Registry } from './registry.ts';
import { SCORERS } from './scorers/index.ts';
import type { RunEnv } from './scorers/types.ts';
import type { StepContext } from './steps.ts';


/**
 * Registers models, axes and the scorers a run writes, and returns the context every
 * processing step takes. Without models (inference undefined: they could not be loaded) only
 * the scorers that need no pretrained weights run. With a threshold profile
 * (STANCE_THRESHOLD_PROFILE), the scorer it was fitted for labels with its thresholds and
 * temperatures, under a scorer version that names the profile.
 */
export async function createStepContext(
  db: Db,
  inference: Inference | undefined,
  axes: Axis[],
  config: Pick<Config, 'chunkTokens'> & Partial<Pick<Config, 'thresholdProfile' | 'lexiconFile' | 'nliGate' | 'ortThreads'>>,
): Promise<StepContext> {
  const profile = config.thresholdProfile ? await loadThresholdProfile(db, config.thresholdProfile) : undefined;
  const lexicon = loadLexiconFile(config.lexiconFile);
  const registry: Registry = { axisIds: new Map(), scorerIds: {}, scorerKeys: {} };
  for (const axis of axes) registry.axisIds.set(axis.slug, await ensureAxis(db, axis));
  if (inference) {
    registry.embedModelId = await ensureModel(db, inference.embedModel, 'embedding', inference.embedModel.dimension);
    registry.nliModelId = await ensureModel(db, inference.nliModel, 'nli');
  }
  const env: RunEnv = {
    db,
    axes,
    config,
    inference,
    modelIds: { embed: registry.embedModelId, nli: registry.nliModelId },
    profiles: profile ? { [profile.scorer]: profileTag(profile) } : {},
    lexicon,
  };
  for (const descriptor of SCORERS) {
    for (const ref of await descriptor.runRefs(env)) {
      const r = await descriptor.registration(env, ref);
      registry.scorerIds[ref.name] = await ensureScorer(db, r.key, ref.kind, r.modelId, r.settings);
      registry.scorerKeys[ref.name] = r.key;
    }
  }
  const ctx: StepContext = { db, inference, axes, lexicon, registry, chunkTokens: config.chunkTokens, nliBatchSize: config.ortThreads ? nliBatchSizeFor(config.ortThreads) : NLI_BATCH_SIZE };
  if (config.nliGate) ctx.nliGate = config.nliGate;
  if (profile) {
    const settings = scoringSettingsWithProfile(axes, profile.scorer, profile);
    ctx.calibration = { [profile.scorer]: { thresholds: settings.thresholds, temperatures: settings.temperatures } };
  }
  return ctx;
}
