import { loadConfig, type Config } from '../config/config.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { storeOptions } from './context.ts';
import { inferenceSpecFrom, type Inference } from '../app/inference.ts';
import { startInferencePool } from '../workers/inference-pool.ts';
import { SCORERS } from '../app/scorers/index.ts';
import { createStepContext } from '../app/step-context.ts';
import type { StepContext } from '../app/steps.ts';
import { loadAxesFile } from '../pipeline/load-axes.ts';
import type { Axis } from '../pipeline/axes.ts';
import { ModelLoadError } from '../pipeline/models.ts';
import { say } from './output.ts';

/** What a processing command needs: config, store, axes, models (when they load) and the step context. */
export interface Runtime {
  config: Config;
  database: Database;
  axes: Axis[];
  /** Undefined when the models could not be loaded and the command goes on without them. */
  inference: Inference | undefined;
  ctx: StepContext;
  close(): Promise<void>;
}

/** Loads the axes of the configuration (STANCE_AXES_FILE or the project's config/axes.json). */
export function configuredAxes(config: Config): Axis[] {
  return loadAxesFile(config.axesFile);
}

/**
 * The short paragraph printed when the transformer models cannot be loaded: what is missing,
 * how to get it, and what runs instead.
 */
export function modelsMissingNotice(config: Config, err: ModelLoadError): string {
  // The loader's own message can run to several lines of paths; the first clause says enough.
  const full = ((err.cause as Error | undefined)?.message ?? err.message).split('\n')[0] ?? '';
  const reason = full.length > 100 ? `${full.slice(0, 97)}...` : full;
  const where = config.modelsDir ? `the folder ${config.modelsDir} (STANCE_MODELS_DIR)` : 'the Hugging Face hub';
  const without = SCORERS.filter((s) => s.needsModels.length === 0).map((s) => (s.parameterised ? `${s.kind}:<name>` : s.kind));
  const withModels = SCORERS.filter((s) => s.needsModels.length > 0).map((s) => s.kind);
  return [
    `Transformer models not available: ${config.embedModel} and ${config.nliModel} could not be loaded from ${where} (${reason}).`,
    `Scoring with the scorers that need no pretrained weights instead: ${without.join(', ')} (shipped: trained:default, ensemble:default).`,
    `For the ${withModels.join(' and ')} scorers, run once with network access (the models download into ${config.dataDir}/models)`,
    'or set STANCE_MODELS_DIR to a folder holding both models (README, "Offline models"); then `stance rescore` adds their scores.',
  ].join('\n');
}

/**
 * Whether a command loads the transformer models: `require` fails when they do not load; `try`
 * says so in one paragraph and goes on with the scorers that need no pretrained weights; `skip`
 * does not load them, for a command whose scorers need none (loading them costs seconds).
 */
export type ModelsNeed = 'require' | 'try' | 'skip';

/** Opens the store and, unless skipped, loads the models in this process (the inline runner's setup). */
export async function openInlineRuntime(database?: Database, opts: { models?: ModelsNeed } = {}): Promise<Runtime> {
  const config = loadConfig();
  const axes = configuredAxes(config);
  const db = database ?? (await openDatabase(storeOptions(config)));
  const models = opts.models ?? 'try';
  let inference: Inference | undefined;
  if (models !== 'skip') {
    try {
      say(`loading models ${config.embedModel} and ${config.nliModel} (${config.dtype})${config.modelsDir ? ` from ${config.modelsDir}` : ''}...`);
      inference = await startInferencePool(inferenceSpecFrom(config), { onProgress: say, inThreadWhenSingle: true });
    } catch (err) {
      if (!(err instanceof ModelLoadError) || models === 'require') {
        if (!database) await db.close();
        throw err;
      }
      say(modelsMissingNotice(config, err));
    }
  }
  let ctx: StepContext;
  try {
    ctx = await createStepContext(db.db, inference, axes, config);
  } catch (err) {
    await inference?.close();
    if (!database) await db.close();
    throw err;
  }
  return {
    config,
    database: db,
    axes,
    inference,
    ctx,
    close: async () => {
      await inference?.close();
      if (!database) await db.close();
    },
  };
}
