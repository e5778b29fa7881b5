import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalInference, type Inference } from '../../app/inference.ts';
import { parseConfig } from '../../config/config.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import { MAX_DEFAULT_SESSIONS, nliBatchSizeFor, poolShape } from '../../pipeline/pool-shape.ts';
import { splitEvenly, startInferencePool } from '../../workers/inference-pool.ts';
import { tinyModelSpec } from '../helpers/models.ts';

describe('poolShape', () => {
  it('fills the cores with sessions up to the default cap, then with threads per session', () => {
    expect(poolShape(1)).toEqual({ sessions: 1, threads: 1 });
    expect(poolShape(2)).toEqual({ sessions: 2, threads: 1 });
    expect(MAX_DEFAULT_SESSIONS).toBe(2);
    expect(poolShape(8)).toEqual({ sessions: 2, threads: 4 });
    expect(poolShape(3)).toEqual({ sessions: 2, threads: 1 });
  });

  it('gives the cores a setting leaves to the other, and takes both when both are given', () => {
    expect(poolShape(2, { threads: 2 })).toEqual({ sessions: 1, threads: 2 });
    expect(poolShape(8, { sessions: 4 })).toEqual({ sessions: 4, threads: 2 });
    expect(poolShape(2, { sessions: 4 })).toEqual({ sessions: 4, threads: 1 });
    expect(poolShape(8, { threads: 1 })).toEqual({ sessions: 2, threads: 1 });
    expect(poolShape(2, { sessions: 3, threads: 3 })).toEqual({ sessions: 3, threads: 3 });
  });

  it('is what the configuration resolves from the cores and the two variables', () => {
    expect(parseConfig({}, '.', 2)).toMatchObject({ inferenceSessions: 2, ortThreads: 1 });
    expect(parseConfig({ STANCE_ORT_THREADS: '2' }, '.', 2)).toMatchObject({ inferenceSessions: 1, ortThreads: 2 });
    expect(parseConfig({ STANCE_INFERENCE_SESSIONS: '1' }, '.', 2)).toMatchObject({ inferenceSessions: 1, ortThreads: 2 });
    expect(() => parseConfig({ STANCE_INFERENCE_SESSIONS: '0' }, '.', 2)).toThrow(/STANCE_INFERENCE_SESSIONS="0": must be greater than 0/);
  });

  it('batches NLI pairs by the thread count: none for one thread, 4 per thread beyond', () => {
    expect(nliBatchSizeFor(1)).toBe(1);
    expect(nliBatchSizeFor(2)).toBe(8);
    expect(nliBatchSizeFor(4)).toBe(16);
    expect(nliBatchSizeFor(64)).toBe(32);
  });
});

describe('splitEvenly', () => {
  it('keeps order and sizes within one of each other', () => {
    expect(splitEvenly([1, 2, 3, 4, 5], 2)).toEqual([[1, 2, 3], [4, 5]]);
    expect(splitEvenly([1], 3)).toEqual([[1], [], []]);
    expect(splitEvenly([], 2)).toEqual([[], []]);
  });
});

describe('startInferencePool with two sessions (synthetic fp32 models)', () => {
  let single: Inference;
  let pool: Inference;
  beforeAll(async () => {
    single = await loadLocalInference(tinyModelSpec());
    pool = await startInferencePool(tinyModelSpec({ sessions: 2 }));
  }, 120_000);
  afterAll(async () => {
    await pool?.close();
    await single?.close();
  });

  it('returns the results of one session, in order, for embeddings and NLI scores', async () => {
    const texts = ['States should govern the Internet.', 'Civil society must have a say.', 'Encryption protects rights.', 'Bananas are yellow.', 'Security first.'];
    const axes = loadAxesFile();
    expect(pool.embedModel).toEqual(single.embedModel);
    expect(await pool.embed(texts)).toEqual(await single.embed(texts));
    // Batch size 1: every pair alone in its forward pass, so the split cannot change a logit.
    expect(await pool.nliScores(texts, axes, { batchSize: 1 })).toEqual(await single.nliScores(texts, axes, { batchSize: 1 }));
    expect(await pool.chunk(texts.join(' '), 8)).toEqual(await single.chunk(texts.join(' '), 8));
  });
});
