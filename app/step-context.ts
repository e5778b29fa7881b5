import type { Config } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import type { Axis } from '../pipeline/axes.ts';
import type { Inference } from './inference.ts';
import { ensureRegistry } from './registry.ts';
import type { StepContext } from './steps.ts';

// (chunk, hypothesis) pairs per NLI forward pass: large enough to amortize the call, small
// enough that one batch stays well under a second on two cores with the default models.
export const NLI_BATCH_SIZE = 16;

/** Registers models, axes and scorers and returns the context every processing step takes. */
export async function createStepContext(db: Db, inference: Inference, axes: Axis[], config: Pick<Config, 'chunkTokens'>): Promise<StepContext> {
  const registry = await ensureRegistry(db, inference.embedModel, inference.nliModel, axes);
  return { db, inference, axes, registry, chunkTokens: config.chunkTokens, nliBatchSize: NLI_BATCH_SIZE };
}
