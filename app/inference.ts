import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import type { Axis } from '../pipeline/axes.ts';
import { inLengthSortedBatches } from '../pipeline/batching.ts';
import { chunkText, type Chunk } from '../pipeline/chunk.ts';
import { loadEmbedder, loadNli, type ModelInfo, type ModelSettings } from '../pipeline/models.ts';
import { scoreWithNli, type NliAxisScore, type NliScoreOptions } from '../pipeline/nli-score.ts';

/** Model-backed operations, the same whether the models run in this thread or in a worker thread. */
export interface Inference {
  embedModel: ModelInfo & { dimension: number };
  nliModel: ModelInfo & { maxTokens: number };
  chunk(text: string, maxTokens: number): Promise<Chunk[]>;
  embed(texts: string[]): Promise<Float32Array[]>;
  nliScores(chunkTexts: string[], axes: Axis[], opts: NliScoreOptions): Promise<NliAxisScore[][]>;
  close(): Promise<void>;
}

/**
 * One copy of the models, as a pool member holds it: like Inference, but a member made with
 * `embedder: false` has no embedding model (embedModel undefined, embed rejects).
 */
export type InferenceMember = Omit<Inference, 'embedModel'> & { embedModel: Inference['embedModel'] | undefined };

/** Which models to load and how; plain data so it can be sent to a worker thread. */
export interface InferenceSpec {
  embedModel: string;
  nliModel: string;
  settings: Omit<ModelSettings, 'onProgress'>;
  embedBatchSize: number;
  /** Copies of the NLI model (the first with the embedding model), each in a worker thread (workers/inference-pool.ts); 1 when absent. */
  sessions?: number;
  /**
   * False: load only the NLI model (a pool member that never embeds: embedding is about one
   * forward pass per chunk against up to 17 NLI passes, so one copy of it serves the pool).
   */
  embedder?: boolean;
  /** Test hook: block the inference thread this long per call, as a slow model would. */
  simulatedDelayMs?: number;
}

/**
 * Texts per embedding forward pass. One: a chunk is close to the model's 512 tokens, where the
 * attention tensors ([batch, heads, tokens, tokens] in fp32) dominate, so a batch gains nothing
 * and costs memory: on the benchmark's MiniLM-shaped model one thread embedded a chunk in 72 ms
 * alone against 259 ms in batches of 32 (2 threads: 160 against 351 ms), and a batch of 32 grew a
 * session's working memory by about 350 MB. A batch of one also makes a q8 embedding (activations
 * quantized per batch) independent of which other chunks were embedded with it.
 */
export const EMBED_BATCH_SIZE = 1;

/** The inference spec a configuration implies. */
export function inferenceSpecFrom(config: Config): InferenceSpec {
  return {
    embedModel: config.embedModel,
    nliModel: config.nliModel,
    settings: { modelsDir: config.modelsDir, cacheDir: join(config.dataDir, 'models'), dtype: config.dtype, threads: config.ortThreads },
    embedBatchSize: EMBED_BATCH_SIZE,
    sessions: config.inferenceSessions,
  };
}

// Room left in the NLI input for the hypothesis and the special tokens around the pair; axis
// hypotheses are short single-criterion sentences, well under this.
export const HYPOTHESIS_RESERVE_TOKENS = 64;

// The input size of the usual NLI encoders (BERT, DeBERTa), assumed when no model is loaded.
const TYPICAL_MAX_TOKENS = 512;

/** The chunk budget in tokens: the requested size, never more than the NLI model (or a typical one, when none is loaded) can take with a hypothesis. */
export function chunkBudget(requested: number, nliMaxTokens: number = TYPICAL_MAX_TOKENS): number {
  return Math.max(16, Math.min(requested, nliMaxTokens - HYPOTHESIS_RESERVE_TOKENS));
}

/** Loads both models in this thread, once. */
export async function loadLocalInference(spec: InferenceSpec, onProgress?: (m: string) => void): Promise<Inference> {
  const member = await loadLocalMember({ ...spec, embedder: true }, onProgress);
  return { ...member, embedModel: member.embedModel as Inference['embedModel'] };
}

/** Loads the NLI model, and the embedding model unless `spec.embedder` is false, in this thread, once. */
export async function loadLocalMember(spec: InferenceSpec, onProgress?: (m: string) => void): Promise<InferenceMember> {
  const settings: ModelSettings = onProgress ? { ...spec.settings, onProgress } : spec.settings;
  const embedder = spec.embedder === false ? undefined : await loadEmbedder(spec.embedModel, settings);
  const nli = await loadNli(spec.nliModel, settings);
  const delay = () => {
    // Atomics.wait blocks this thread like a long synchronous ONNX run does.
    if (spec.simulatedDelayMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, spec.simulatedDelayMs);
  };
  return {
    embedModel: embedder && { name: embedder.name, dtype: embedder.dtype, version: embedder.version, dimension: embedder.dimension },
    nliModel: { name: nli.name, dtype: nli.dtype, version: nli.version, maxTokens: nli.maxTokens },
    chunk: async (text, maxTokens) => chunkText(text, { maxTokens, countTokens: nli.countTokens }),
    embed: async (texts) => {
      if (!embedder) throw new Error('this inference copy has no embedding model (embedder: false)');
      delay();
      return inLengthSortedBatches(texts, (t) => t.length, spec.embedBatchSize, (batch) => embedder.embed(batch));
    },
    nliScores: async (texts, axes, opts) => {
      delay();
      return scoreWithNli(nli, texts, axes, opts);
    },
    close: async () => {},
  };
}
