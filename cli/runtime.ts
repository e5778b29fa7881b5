import { loadConfig, type Config } from '../config/config.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { storeOptions } from './context.ts';
import { inferenceSpecFrom, loadLocalInference, type Inference } from '../app/inference.ts';
import { createStepContext } from '../app/step-context.ts';
import type { StepContext } from '../app/steps.ts';
import { loadAxesFile } from '../pipeline/load-axes.ts';
import type { Axis } from '../pipeline/axes.ts';
import { say } from './output.ts';

/** What a processing command needs: config, store, axes, models and the step context. */
export interface Runtime {
  config: Config;
  database: Database;
  axes: Axis[];
  inference: Inference;
  ctx: StepContext;
  close(): Promise<void>;
}

/** Loads the axes of the configuration (STANCE_AXES_FILE or the project's config/axes.json). */
export function configuredAxes(config: Config): Axis[] {
  return loadAxesFile(config.axesFile);
}

/** Opens the store and loads the models in this process (the inline runner's setup). */
export async function openInlineRuntime(database?: Database): Promise<Runtime> {
  const config = loadConfig();
  const axes = configuredAxes(config);
  const db = database ?? (await openDatabase(storeOptions(config)));
  let inference: Inference;
  try {
    say(`loading models ${config.embedModel} and ${config.nliModel} (${config.dtype})${config.modelsDir ? ` from ${config.modelsDir}` : ''}...`);
    inference = await loadLocalInference(inferenceSpecFrom(config), say);
  } catch (err) {
    if (!database) await db.close();
    throw err;
  }
  const ctx = await createStepContext(db.db, inference, axes, config);
  return {
    config,
    database: db,
    axes,
    inference,
    ctx,
    close: async () => {
      await inference.close();
      if (!database) await db.close();
    },
  };
}
