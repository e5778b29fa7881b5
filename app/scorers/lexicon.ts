import { and, eq } from 'drizzle-orm';
import { scorers } from '../../db/schema/index.ts';
import { loadLexiconFile } from '../../pipeline/lexicon/load.ts';
import { axisLexicon, type LexiconFile } from '../../pipeline/lexicon/lexicon-file.ts';
import { scoreWithLexicon } from '../../pipeline/lexicon/score.ts';
import type { Axis } from '../../pipeline/axes.ts';
import type { ScoringSettings } from '../eval-score.ts';
import { NothingScoredError } from '../lookup.ts';
import { memoOf, type TextMemo } from './text-memo.ts';
import type { ScoreRow, ScorerDescriptor } from './types.ts';

/** The lexicon scorer's version key: the hash of the whole lexicon file's content (terms, weights, settings). */
export function lexiconKey(lexicon: LexiconFile): string {
  return `lexicon:${lexicon.version}`;
}

/** The thresholds the lexicon scorer labels with: the lexicon file's per axis, else the axes file's. */
export function lexiconSettings(lexicon: LexiconFile, axes: readonly Axis[]): ScoringSettings {
  return {
    thresholds: Object.fromEntries(
      axes.map((a) => [a.slug, { ...(axisLexicon(lexicon, { slug: a.slug, poles: [a.poles[0].slug, a.poles[1].slug] }).thresholds ?? a.thresholds) }]),
    ),
    temperatures: Object.fromEntries(axes.map((a) => [a.slug, 1])),
  };
}

// Per run (its StepContext), the rows of recent texts: an ensemble with the lexicon as a member asks again for the same chunks.
const runRows = new WeakMap<object, TextMemo<ScoreRow[]>>();

/** Dictionary coding with the pole terms of config/lexicon.json; needs no pretrained model. */
export const lexiconScorer: ScorerDescriptor = {
  kind: 'lexicon',
  summary: 'weighted pole terms of the lexicon file (whole words, longest match, negation window); keeps the matched terms',
  needsModels: [],
  parameterised: false,
  readsEmbeddings: false,
  runRefs: async () => [{ name: 'lexicon', kind: 'lexicon', param: undefined }],
  registration: async (env) => ({
    key: lexiconKey(env.lexicon),
    modelId: null,
    settings: {
      lexicon_version: env.lexicon.version,
      negation: env.lexicon.negation,
      smoothing: env.lexicon.smoothing,
      relevance_scale: env.lexicon.relevanceScale,
      min_words: env.lexicon.minWords,
    },
  }),
  scoreChunks: async (ctx, _ref, chunks) =>
    memoOf(runRows, ctx).through(
      chunks.map((c) => c.text),
      (texts) => scoreWithLexicon(ctx.lexicon, texts, ctx.axes),
    ),
  findStored: async (db, config) => {
    const lexicon = loadLexiconFile(config.lexiconFile);
    const key = lexiconKey(lexicon);
    const [row] = await db.select({ id: scorers.id, key: scorers.key }).from(scorers).where(and(eq(scorers.kind, 'lexicon'), eq(scorers.key, key)));
    if (!row) throw new NothingScoredError(`nothing has been scored with the current lexicon (${key}) yet; run \`stance rescore --scorer lexicon\``);
    // Queries count a chunk as relevant by the thresholds it was labelled with: the lexicon file's.
    const own = Object.entries(lexicon.axes).flatMap(([slug, e]) => (e.thresholds ? [[slug, e.thresholds] as const] : []));
    return { ...row, profileThresholds: Object.fromEntries(own) };
  },
  currentKey: (env) => lexiconKey(env.lexicon),
  defaultSettings: (env) => lexiconSettings(env.lexicon, env.axes),
  scoreTexts: async (env, _ref, texts, _settings, onProgress) => {
    // The lexicon file carries its own thresholds; threshold profiles are fitted for the transformer scorers only.
    const scores = scoreWithLexicon(env.lexicon, texts, env.axes);
    onProgress?.(texts.length, texts.length);
    return scores;
  },
};
