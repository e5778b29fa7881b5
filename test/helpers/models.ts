import type { InferenceSpec } from '../../app/inference.ts';
import { FIXTURE_MODELS_DIR } from './paths.ts';
import { tmpdir } from 'node:os';

/** The synthetic tiny models shipped in test/fixtures (not trained: mechanics only). */
export function tinyModelSpec(extra: Partial<InferenceSpec> = {}): InferenceSpec {
  return {
    embedModel: 'tiny-lexical-embed',
    nliModel: 'tiny-random-nli',
    settings: { modelsDir: FIXTURE_MODELS_DIR, cacheDir: tmpdir(), dtype: 'fp32', threads: 1 },
    embedBatchSize: 16,
    ...extra,
  };
}

/** Environment that points the CLI at the same synthetic models. */
export const TINY_MODEL_ENV: Record<string, string> = {
  STANCE_MODELS_DIR: FIXTURE_MODELS_DIR,
  STANCE_EMBED_MODEL: 'tiny-lexical-embed',
  STANCE_NLI_MODEL: 'tiny-random-nli',
  // vitest already runs two files at once on two cores: one inference session per CLI process
  // keeps a test's child from loading the models twice and oversubscribing the cores.
  STANCE_INFERENCE_SESSIONS: '1',
};
