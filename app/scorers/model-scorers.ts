import { gateTag } from '../../pipeline/nli-gate.ts';
import { axisFileSettings, scoreTexts } from '../eval-score.ts';
import { findModelScorer } from '../lookup.ts';
import { scorerKey } from '../registry.ts';
import { prototypeScoresOfChunks } from './prototype-chunks.ts';
import type { ScorerDescriptor, ScorerRef } from './types.ts';
import { NLI_SETTINGS, PROTOTYPE_SETTINGS } from './model-settings.ts';

const plain = (kind: string): ScorerRef => ({ name: kind, kind, param: undefined });

/** Zero-shot NLI: the entailment of each pole's hypotheses (needs the NLI model). */
export const nliScorer: ScorerDescriptor = {
  kind: 'nli',
  summary: 'zero-shot NLI: entailment of each pole\'s hypotheses by the passage',
  needsModels: ['nli'],
  parameterised: false,
  readsEmbeddings: false,
  runRefs: async (env) => (env.inference ? [plain('nli')] : []),
  registration: async (env) => {
    if (!env.inference || env.modelIds.nli === undefined) throw new Error('the nli scorer needs the NLI model loaded');
    const profile = env.profiles?.nli;
    const gate = env.config.nliGate;
    return {
      key: scorerKey('nli', env.inference.nliModel, profile, gateTag(gate)),
      modelId: env.modelIds.nli,
      settings: { ...NLI_SETTINGS, profile, ...(gate ? { gate } : {}) },
    };
  },
  scoreChunks: async (ctx, _ref, chunks) => {
    if (!ctx.inference) throw new Error('the nli scorer needs the NLI model, which is not loaded');
    const scores = await ctx.inference.nliScores(
      chunks.map((c) => c.text),
      ctx.axes,
      { batchSize: ctx.nliBatchSize, ...ctx.calibration?.nli, ...(ctx.nliGate ? { gate: ctx.nliGate } : {}) },
    );
    // A chunk the cascade stopped says so: its probabilities and score are not the model's (see README, "The NLI cascade").
    return scores.map((perAxis) => perAxis.map(({ gated, ...s }) => (gated ? { ...s, details: { gated: true } } : s)));
  },
  findStored: (db, config) => findModelScorer(db, config, 'nli'),
  currentKey: () => undefined,
  defaultSettings: (env) => axisFileSettings(env.axes),
  scoreTexts: async (env, _ref, texts, settings, onProgress) => {
    if (!env.inference) throw new Error('the nli scorer needs the NLI model, which is not loaded');
    return scoreTexts(env.inference, 'nli', texts, env.axes, settings, onProgress);
  },
};

/** Embedding prototypes: cosine of the chunk embedding to each pole's hypotheses and exemplars (needs the embedding model). */
export const prototypeScorer: ScorerDescriptor = {
  kind: 'prototype',
  summary: 'cosine of the passage embedding to each pole\'s hypotheses and exemplars',
  needsModels: ['embedding'],
  parameterised: false,
  readsEmbeddings: true,
  runRefs: async (env) => (env.inference ? [plain('prototype')] : []),
  registration: async (env) => {
    if (!env.inference || env.modelIds.embed === undefined) throw new Error('the prototype scorer needs the embedding model loaded');
    const profile = env.profiles?.prototype;
    return { key: scorerKey('prototype', env.inference.embedModel, profile), modelId: env.modelIds.embed, settings: { ...PROTOTYPE_SETTINGS, profile } };
  },
  scoreChunks: (ctx, _ref, chunks) => prototypeScoresOfChunks(ctx, chunks.map((c) => c.id)),
  findStored: (db, config) => findModelScorer(db, config, 'prototype'),
  currentKey: () => undefined,
  defaultSettings: (env) => axisFileSettings(env.axes),
  scoreTexts: async (env, _ref, texts, settings, onProgress) => {
    if (!env.inference) throw new Error('the prototype scorer needs the embedding model, which is not loaded');
    return scoreTexts(env.inference, 'prototype', texts, env.axes, settings, onProgress);
  },
};
