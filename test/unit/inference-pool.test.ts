import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalInference, type Inference } from '../../app/inference.ts';
import { parseConfig } from '../../config/config.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import { MAX_DEFAULT_SESSIONS, nliBatchSizeFor, poolShape } from '../../pipeline/pool-shape.ts';
import { startInferenceMember } from '../../workers/inference-client.ts';
import { nliPieceChunks, startInferencePool } from '../../workers/inference-pool.ts';
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

describe('nliPieceChunks', () => {
  const axes = loadAxesFile();
  it('is the fewest chunks whose first pass fills an NLI batch', () => {
    // The default axes: one relevance hypothesis each (the cascade's first pass: 2 pairs per
    // chunk), 17 hypotheses in all over the two axes (the first and only pass without the gate).
    expect(axes.map((a) => a.relevance?.hypotheses.length)).toEqual([1, 1]);
    const all = axes.reduce((n, a) => n + a.poles[0].hypotheses.length + a.poles[1].hypotheses.length + 1, 0);
    expect(all).toBe(17);
    expect(nliPieceChunks(axes, 1, true)).toBe(1);
    expect(nliPieceChunks(axes, 8, true)).toBe(4);
    expect(nliPieceChunks(axes, 9, true)).toBe(5);
    expect(nliPieceChunks(axes, 16, false)).toBe(1);
    expect(nliPieceChunks(axes, 32, false)).toBe(2);
  });

  it('counts the poles as the first pass when no axis has relevance hypotheses', () => {
    const bare = axes.map(({ relevance: _r, ...a }) => a);
    const poles = bare.reduce((n, a) => n + a.poles[0].hypotheses.length + a.poles[1].hypotheses.length, 0);
    expect(nliPieceChunks(bare, poles * 2, true)).toBe(2);
  });
});

describe('a pool member without the embedding model', () => {
  it('scores with NLI, reports no embedding model and refuses to embed', async () => {
    const member = await startInferenceMember(tinyModelSpec({ embedder: false }));
    try {
      expect(member.embedModel).toBeUndefined();
      expect(member.nliModel.name).toBe('tiny-random-nli');
      await expect(member.embed(['x'])).rejects.toThrow(/no embedding model/);
      const scores = await member.nliScores(['Encryption protects rights.'], loadAxesFile(), { batchSize: 1 });
      expect(scores).toHaveLength(1);
    } finally {
      await member.close();
    }
  }, 60_000);
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

  const texts = ['States should govern the Internet.', 'Civil society must have a say.', 'Encryption protects rights.', 'Bananas are yellow.', 'Security first.'];
  const axes = loadAxesFile();

  it('returns the results of one session, in order, for embeddings and NLI scores', async () => {
    expect(pool.embedModel).toEqual(single.embedModel);
    expect(await pool.embed(texts)).toEqual(await single.embed(texts));
    // Batch size 1: every pair alone in its forward pass, so the split cannot change a logit.
    expect(await pool.nliScores(texts, axes, { batchSize: 1 })).toEqual(await single.nliScores(texts, axes, { batchSize: 1 }));
    expect(await pool.chunk(texts.join(' '), 8)).toEqual(await single.chunk(texts.join(' '), 8));
  });

  it('returns the cascade results of one session, with some chunks gated and some not', async () => {
    const many = Array.from({ length: 12 }, (_, i) => `${texts[i % texts.length]} (${i})`);
    const gate = { fraction: 0.5, forcePassRate: 0.5 };
    const expected = await single.nliScores(many, axes, { batchSize: 1, gate });
    const gated = expected.flat().filter((s) => s.gated).length;
    expect(gated).toBeGreaterThan(0);
    expect(gated).toBeLessThan(expected.flat().length);
    expect(await pool.nliScores(many, axes, { batchSize: 1, gate })).toEqual(expected);
  });

  it('answers calls made at once, each with its own results', async () => {
    const other = texts.map((t) => t.toUpperCase());
    const [a, b, e] = await Promise.all([
      pool.nliScores(texts, axes, { batchSize: 1 }),
      pool.nliScores(other, axes, { batchSize: 1 }),
      pool.embed(other),
    ]);
    expect(a).toEqual(await single.nliScores(texts, axes, { batchSize: 1 }));
    expect(b).toEqual(await single.nliScores(other, axes, { batchSize: 1 }));
    expect(e).toEqual(await single.embed(other));
  });
});
