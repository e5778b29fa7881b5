import { Worker } from 'node:worker_threads';
import type { Inference, InferenceMember, InferenceSpec } from '../app/inference.ts';
import type { Chunk } from '../pipeline/chunk.ts';
import { ModelLoadError } from '../pipeline/models.ts';
import type { NliAxisScore } from '../pipeline/nli-score.ts';
import type { ThreadRequest, ThreadResponse } from './inference-protocol.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Starts the inference worker thread and resolves once both models are loaded. */
export async function startInferenceThread(spec: InferenceSpec, onProgress?: (m: string) => void): Promise<Inference> {
  const member = await startInferenceMember({ ...spec, embedder: true }, onProgress);
  return { ...member, embedModel: member.embedModel as Inference['embedModel'] };
}

/** Starts an inference worker thread with the models `spec` asks for (the embedder unless `embedder: false`). */
export async function startInferenceMember(spec: InferenceSpec, onProgress?: (m: string) => void): Promise<InferenceMember> {
  // Next to this module: workers/thread-entry.mjs (sources, through tsx) or dist/thread-entry.mjs
  // (the compiled bundle, where this code lives in dist/stance.mjs).
  const worker = new Worker(new URL('./thread-entry.mjs', import.meta.url), { workerData: spec });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;

  const ready = new Promise<Extract<ThreadResponse, { kind: 'ready' }>>((resolve, reject) => {
    worker.on('message', (msg: ThreadResponse) => {
      if (msg.kind === 'ready') resolve(msg);
      else if (msg.kind === 'progress') onProgress?.(msg.message);
      else if (msg.kind === 'fatal') reject(new ModelLoadError(msg.message));
      else {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.kind === 'result') p?.resolve(msg.value);
        else p?.reject(new Error(msg.message));
      }
    });
    worker.on('error', (err) => {
      failure = err;
      reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
    worker.on('exit', (code) => {
      failure ??= new Error(`inference thread exited with code ${code}`);
      reject(failure);
      for (const p of pending.values()) p.reject(failure);
      pending.clear();
    });
  });

  const call = <T>(req: DistributiveOmit<ThreadRequest, 'id'>): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...req, id });
    });
  };

  let info: Extract<ThreadResponse, { kind: 'ready' }>;
  try {
    info = await ready;
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return {
    embedModel: info.embedModel,
    nliModel: info.nliModel,
    chunk: (text, maxTokens) => call<Chunk[]>({ op: 'chunk', text, maxTokens }),
    embed: (texts) => call<Float32Array[]>({ op: 'embed', texts }),
    nliScores: (texts, axes, opts) => call<NliAxisScore[][]>({ op: 'nli', texts, axes, opts }),
    close: async () => {
      failure ??= new Error('inference thread closed');
      await worker.terminate();
    },
  };
}
