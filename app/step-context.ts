import type { Config } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import type { Axis } from '../pipeline/axes.ts';
import type { Inference } from './inference.ts';
import { loadThresholdProfile, profileTag, scoringSettingsWithProfile } from './eval-threshold-profiles.ts';
import { ensureRegistry } from './registry.ts';
import type { StepContext } from './steps.ts';

// (chunk, hypothesis) pairs per NLI forward pass. bench/pipeline.ts shows the best size depends on
// STANCE_ORT_THREADS (1 thread: batch 1; 2 threads: about 8); 16 is a middle ground until a run
// with the real models settles it.
export const NLI_BATCH_SIZE = 16;

/**
 * Registers models, axes and scorers and returns the context every processing step takes. With a
 * threshold profile (STANCE_THRESHOLD_PROFILE), the scorer it was fitted for labels with its
 * thresholds and temperatures, under a scorer version that names the profile.
 */
export async function createStepContext(
  db: Db,
  inference: Inference,
  axes: Axis[],
  config: Pick<Config, 'chunkTokens'> & Partial<Pick<Config, 'thresholdProfile'>>,
): Promise<StepContext> {
  const profile = config.thresholdProfile ? await loadThresholdProfile(db, config.thresholdProfile) : undefined;
  const registry = await ensureRegistry(db, inference.embedModel, inference.nliModel, axes, profile ? { [profile.scorer]: profileTag(profile) } : {});
  const ctx: StepContext = { db, inference, axes, registry, chunkTokens: config.chunkTokens, nliBatchSize: NLI_BATCH_SIZE };
  if (profile) {
    const settings = scoringSettingsWithProfile(axes, profile.scorer, profile);
    ctx.calibration = { [profile.scorer]: { thresholds: settings.thresholds, temperatures: settings.temperatures } };
  }
  return ctx;
}
