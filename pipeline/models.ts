import { join } from 'node:path';
import type * as TransformersModule from '@huggingface/transformers';
import type { FeatureExtractionPipeline, PreTrainedModel, PreTrainedTokenizer, ProgressInfo } from '@huggingface/transformers';
import { canonicalJson } from './axes.ts';
import { createHash } from 'node:crypto';
import type { Dtype } from '../config/config.ts';
import { ModelFileCache } from './model-files.ts';
import { memoizeSegments } from './tokenizer-memo.ts';

/** Where and how models are loaded; shared by both models of a process. */
export interface ModelSettings {
  /** A local folder holding <model name>/ folders; when set, nothing is downloaded. */
  modelsDir: string | undefined;
  /** Where hub downloads are cached (ignored with modelsDir). */
  cacheDir: string;
  dtype: Dtype;
  /** ONNX Runtime intra-op threads per session: keeps several workers from oversubscribing cores. */
  threads: number;
  onProgress?: (message: string) => void;
}

/** What every stored result records about the model that produced it. */
export interface ModelInfo {
  name: string;
  dtype: Dtype;
  /** Hash of the model's config.json. */
  version: string;
}

/** A sentence-embedding model: mean-pooled, L2-normalized vectors. */
export interface Embedder extends ModelInfo {
  dimension: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** An NLI cross-encoder returning raw logits per (premise, hypothesis) pair. */
export interface NliModel extends ModelInfo {
  id2label: Record<string, string>;
  /** Largest input the model takes, in tokens (premise + hypothesis + special tokens). */
  maxTokens: number;
  countTokens(text: string): number;
  logits(pairs: [premise: string, hypothesis: string][]): Promise<Float32Array[]>;
}

/** A model that could not be loaded; the message says which, from where, and what to do. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

type Transformers = typeof TransformersModule;

/**
 * transformers.js (with ONNX Runtime and sharp) is loaded on first use, not at import: it is the
 * largest module of the program, and most commands (ingest, compare, status, --help) never need it.
 */
async function configure(settings: ModelSettings): Promise<Transformers> {
  const transformers = await import('@huggingface/transformers');
  const { env } = transformers;
  // transformers.js keeps these settings globally; every load of a process goes through here.
  // Model files come through our cache, from the local folder or from the downloads folder
  // (pipeline/model-files.ts: transformers.js's own read every model file twice). It answers for
  // env.localModelPath, so that points at the same folder either way; only with a models folder
  // does transformers.js read local files by itself (allowLocalModels) when the cache has none.
  const dir = settings.modelsDir ?? settings.cacheDir;
  env.localModelPath = dir.endsWith('/') ? dir : `${dir}/`;
  env.allowLocalModels = settings.modelsDir !== undefined;
  env.allowRemoteModels = settings.modelsDir === undefined;
  env.cacheDir = settings.cacheDir;
  env.useCustomCache = true;
  env.customCache = new ModelFileCache(dir, env.remoteHost);
  return transformers;
}

function loadOptions(settings: ModelSettings) {
  let lastShown = 0;
  return {
    dtype: settings.dtype,
    session_options: { intraOpNumThreads: settings.threads, interOpNumThreads: 1 },
    progress_callback: (p: ProgressInfo) => {
      // Only downloads are worth reporting; local files load in a moment.
      if (!settings.onProgress || settings.modelsDir || p.status !== 'progress') return;
      const now = Date.now();
      // Downloads report many times a second; a line every two seconds is enough for a person.
      if (now - lastShown < 2000 && p.progress < 100) return;
      lastShown = now;
      settings.onProgress(`downloading ${p.name}/${p.file}: ${p.progress.toFixed(0)}%`);
    },
  };
}

function describeFailure(kind: string, name: string, settings: ModelSettings, err: unknown): ModelLoadError {
  const where = settings.modelsDir
    ? `the local folder ${join(settings.modelsDir, name)} (STANCE_MODELS_DIR; remote loading is off)`
    : `the Hugging Face hub (cached in ${settings.cacheDir})`;
  const hint = settings.modelsDir
    ? `Put the model there: ${name}/config.json, tokenizer files and onnx/${settings.dtype === 'fp32' ? 'model.onnx' : 'model_quantized.onnx (or the file for your STANCE_MODEL_DTYPE)'}.`
    : 'Without network access, copy the model folder from a machine that has it and set STANCE_MODELS_DIR to the folder that holds it (see README, "Offline models").';
  return new ModelLoadError(`cannot load the ${kind} model "${name}" (dtype ${settings.dtype}) from ${where}: ${(err as Error).message}\n${hint}`, {
    cause: err,
  });
}

function configVersion(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 12);
}

/** Loads the embedding model once; vectors come out mean-pooled and L2-normalized. */
export async function loadEmbedder(name: string, settings: ModelSettings): Promise<Embedder> {
  const { pipeline } = await configure(settings);
  let extractor: FeatureExtractionPipeline;
  try {
    extractor = (await pipeline('feature-extraction', name, loadOptions(settings))) as FeatureExtractionPipeline;
  } catch (err) {
    throw describeFailure('embedding', name, settings, err);
  }
  const embed = async (texts: string[]): Promise<Float32Array[]> => {
    if (texts.length === 0) return [];
    const out = await extractor(texts, { pooling: 'mean', normalize: true });
    const [rows, dim] = out.dims as [number, number];
    const data = out.data as Float32Array;
    return Array.from({ length: rows }, (_, i) => data.slice(i * dim, (i + 1) * dim));
  };
  const probe = await embed(['dimension probe']);
  return {
    name,
    dtype: settings.dtype,
    version: configVersion(extractor.model.config),
    dimension: probe[0]?.length ?? 0,
    embed,
  };
}

/** Loads the NLI model and its tokenizer once. */
export async function loadNli(name: string, settings: ModelSettings): Promise<NliModel> {
  const { AutoTokenizer, AutoModelForSequenceClassification } = await configure(settings);
  let tokenizer: PreTrainedTokenizer;
  let model: PreTrainedModel;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(name, { progress_callback: loadOptions(settings).progress_callback });
    model = await AutoModelForSequenceClassification.from_pretrained(name, loadOptions(settings));
  } catch (err) {
    throw describeFailure('NLI', name, settings, err);
  }
  // Each chunk is the premise of every hypothesis: its tokens are computed once, not once a pair.
  memoizeSegments(tokenizer);
  const config = model.config as unknown as { id2label?: Record<string, string>; max_position_embeddings?: number };
  const maxTokens = Math.min(config.max_position_embeddings ?? 512, tokenizer.model_max_length ?? 512, 512);
  return {
    name,
    dtype: settings.dtype,
    version: configVersion(model.config),
    id2label: config.id2label ?? {},
    maxTokens,
    countTokens: (text) => tokenizer.encode(text, { add_special_tokens: false }).length,
    logits: async (pairs) => {
      if (pairs.length === 0) return [];
      const inputs = tokenizer(
        pairs.map((p) => p[0]),
        { text_pair: pairs.map((p) => p[1]), padding: true, truncation: true, max_length: maxTokens },
      );
      const { logits } = (await model(inputs)) as { logits: { dims: number[]; data: Float32Array } };
      const [rows, classes] = logits.dims as [number, number];
      return Array.from({ length: rows }, (_, i) => logits.data.slice(i * classes, (i + 1) * classes));
    },
  };
}
