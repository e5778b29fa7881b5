import { inLengthSortedBatches } from '../pipeline/batching.ts';
import { loadEmbedder, loadNli, type ModelSettings, type NliModel } from '../pipeline/models.ts';
import { scoreWithNli } from '../pipeline/nli-score.ts';
import type { Inference, InferenceSpec } from './inference.ts';

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

/**
 * Loads both models in this thread for evaluation. Scoring goes through the same functions as
 * the app's Inference (scoreWithNli, the embedder's batches), so eval numbers describe what the
 * pipeline stores; the only difference is the logits cache of memoizeLogits.
 */
export async function loadEvalInference(spec: InferenceSpec, onProgress?: (message: string) => void): Promise<EvalInference> {
  const settings: ModelSettings = onProgress ? { ...spec.settings, onProgress } : spec.settings;
  const embedder = await loadEmbedder(spec.embedModel, settings);
  const nli = memoizeLogits(await loadNli(spec.nliModel, settings));
  return {
    embedModel: { name: embedder.name, dtype: embedder.dtype, version: embedder.version, dimension: embedder.dimension },
    nliModel: { name: nli.name, dtype: nli.dtype, version: nli.version, maxTokens: nli.maxTokens },
    embed: async (texts) => inLengthSortedBatches(texts, (t) => t.length, spec.embedBatchSize, (batch) => embedder.embed(batch)),
    nliScores: async (texts, axes, opts) => scoreWithNli(nli, texts, axes, opts),
    close: async () => {},
  };
}
