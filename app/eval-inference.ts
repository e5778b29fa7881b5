import { inLengthSortedBatches } from '../pipeline/batching.ts';
import { loadEmbedder, loadNli, type ModelSettings, type NliModel } from '../pipeline/models.ts';
import { scoreWithNli } from '../pipeline/nli-score.ts';
import type { Inference, InferenceSpec } from './inference.ts';
import type { ModelRole } from './scorers/types.ts';

/** The part of an Inference that evaluation uses: both models' identities, embeddings and NLI scores. */
export type EvalInference = Pick<Inference, 'embedModel' | 'nliModel' | 'embed' | 'nliScores' | 'close'>;

/**
 * Wraps an NLI model so that each distinct (premise, hypothesis) pair runs through the model
 * once per process; later calls read the stored logits. Calibration scores the same passages
 * under many temperatures, and temperature is applied after the logits, so only the first
 * pass costs model time.
 */
export function memoizeLogits(nli: NliModel): NliModel {
  const cache = new Map<string, Float32Array>();
  const key = (pair: readonly [string, string]) => `${pair[0]}\u0000${pair[1]}`;
  return {
    ...nli,
    logits: async (pairs) => {
      const missing = [...new Map(pairs.filter((p) => !cache.has(key(p))).map((p) => [key(p), p] as const)).values()];
      if (missing.length > 0) {
        const out = await nli.logits(missing);
        missing.forEach((pair, i) => {
          const row = out[i];
          if (row === undefined) throw new Error(`NLI model ${nli.name} returned ${out.length} rows for ${missing.length} pairs`);
          cache.set(key(pair), row);
        });
      }
      return pairs.map((pair) => cache.get(key(pair)) as Float32Array);
    },
  };
}

/** The version an evaluation records for a model it did not load (its scorers did not need it). */
export const NOT_LOADED = 'not loaded';

/**
 * Loads the models of `roles` (default both) in this thread for evaluation. Scoring goes through
 * the same functions as the app's Inference (scoreWithNli, the embedder's batches), so eval
 * numbers describe what the pipeline stores; the only difference is the logits cache of
 * memoizeLogits. A model not asked for is not loaded (an evaluation of the nli scorer must not
 * fail on a missing embedding model it never uses): it is recorded by name with the version
 * NOT_LOADED, and using it is an error.
 */
export async function loadEvalInference(spec: InferenceSpec, onProgress?: (message: string) => void, roles: readonly ModelRole[] = ['embedding', 'nli']): Promise<EvalInference> {
  const settings: ModelSettings = onProgress ? { ...spec.settings, onProgress } : spec.settings;
  const embedder = roles.includes('embedding') ? await loadEmbedder(spec.embedModel, settings) : undefined;
  const nli = roles.includes('nli') ? memoizeLogits(await loadNli(spec.nliModel, settings)) : undefined;
  const dtype = spec.settings.dtype;
  return {
    embedModel: embedder ? { name: embedder.name, dtype: embedder.dtype, version: embedder.version, dimension: embedder.dimension } : { name: spec.embedModel, dtype, version: NOT_LOADED, dimension: 0 },
    nliModel: nli ? { name: nli.name, dtype: nli.dtype, version: nli.version, maxTokens: nli.maxTokens } : { name: spec.nliModel, dtype, version: NOT_LOADED, maxTokens: 0 },
    embed: async (texts) => {
      if (!embedder) throw new Error(`the embedding model ${spec.embedModel} was not loaded for this evaluation`);
      return inLengthSortedBatches(texts, (t) => t.length, spec.embedBatchSize, (batch) => embedder.embed(batch));
    },
    nliScores: async (texts, axes, opts) => {
      if (!nli) throw new Error(`the NLI model ${spec.nliModel} was not loaded for this evaluation`);
      return scoreWithNli(nli, texts, axes, opts);
    },
    close: async () => {},
  };
}
