import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { ingestDocuments } from '../../app/ingest.ts';
import { ensureRegistry, type Registry, type ScorerKind } from '../../app/registry.ts';
import type { Dtype } from '../../config/config.ts';
import type { Db } from '../../db/client.ts';
import { chunks, documents, embeddings, stanceScores, type DocumentStatus } from '../../db/schema/index.ts';
import { parseAxes, type Axis } from '../../pipeline/axes.ts';

/**
 * A store with KNOWN scores, without running a model: documents go in through the real ingest,
 * then chunks, embeddings and stance scores are written directly, under model, axis and scorer
 * rows registered like the pipeline does (so app/lookup.ts finds them). Tests compute what the
 * queries should answer from the same numbers.
 */

/** One chunk's stance on one axis. probA/probB default to max(0, -score) and max(0, score). */
export interface FixtureScore {
  score: number;
  relevance: number;
  label: string;
  probA?: number;
  probB?: number;
}

export interface FixtureChunk {
  /** A passage; it must survive ingest's normalization unchanged (plain sentences do). */
  text: string;
  /** Scores by axis slug, stored for the nli scorer. */
  scores?: Record<string, FixtureScore>;
  /** Scores by axis slug, stored for the prototype scorer. */
  prototype?: Record<string, FixtureScore>;
  /** An embedding; stored L2-normalized (the store keeps unit vectors, cosine = dot product). */
  vector?: number[];
}

export interface FixtureDocument {
  source: string;
  chunks: FixtureChunk[];
  title?: string;
  actor?: string;
  actorType?: string;
  date?: string;
  url?: string;
  language?: string;
  kind?: string;
  /** Default 'done': the document looks fully processed. */
  status?: DocumentStatus;
  error?: string;
}

/** The model names a fixture registers; pass them as QueryEnv.config so lookups find its scorers. */
export interface FixtureModels {
  embedModel: string;
  nliModel: string;
  dtype: Dtype;
}

export const FIXTURE_MODELS: FixtureModels = { embedModel: 'fixture-embed', nliModel: 'fixture-nli', dtype: 'fp32' };

/** Two small axes of fixed definition (independent of config/axes.json). */
export const FIXTURE_AXES: Axis[] = parseAxes(
  {
    axes: [
      {
        slug: 'gov',
        label: 'State vs. multistakeholder governance',
        poles: [
          { slug: 'state', label: 'States govern', hypotheses: ['Governments should govern the Internet.'] },
          { slug: 'multi', label: 'All stakeholders govern', hypotheses: ['All stakeholders should govern the Internet.'] },
        ],
        thresholds: { relevance: 0.5, margin: 0.15 },
      },
      {
        slug: 'sec',
        label: 'Security vs. rights',
        poles: [
          { slug: 'security', label: 'Security first', hypotheses: ['Security comes first online.'] },
          { slug: 'rights', label: 'Rights first', hypotheses: ['Human rights come first online.'] },
        ],
        thresholds: { relevance: 0.4, margin: 0.1 },
      },
    ],
  },
  'score-fixture',
);

export interface ScoreFixtureOptions {
  axes: Axis[];
  documents: FixtureDocument[];
  models?: FixtureModels;
  /** Embedding dimension when no chunk has a vector (default 3). */
  dimension?: number;
}

export interface FixtureDocumentIds {
  id: number;
  source: string;
  /** Chunk ids in the order of the fixture's chunks. */
  chunkIds: number[];
  /** The document text as stored. */
  text: string;
}

export interface ScoreFixture {
  models: FixtureModels;
  registry: Registry;
  documents: FixtureDocumentIds[];
  /** Every chunk id, in fixture order (documents, then chunks). */
  chunkIds: number[];
}

/** Registers models, axes and scorers, ingests the documents and writes their chunks, vectors and scores. */
export async function buildScoreFixture(db: Db, opts: ScoreFixtureOptions): Promise<ScoreFixture> {
  const models = opts.models ?? FIXTURE_MODELS;
  const slugs = new Set(opts.axes.map((a) => a.slug));
  const vectors = opts.documents.flatMap((d) => d.chunks.flatMap((c) => (c.vector ? [c.vector] : [])));
  const dimension = vectors[0]?.length ?? opts.dimension ?? 3;
  if (vectors.some((v) => v.length !== dimension)) throw new Error(`score fixture: every vector must have ${dimension} dimensions`);

  const registry = await ensureRegistry(
    db,
    { name: models.embedModel, dtype: models.dtype, version: 'v1', dimension },
    { name: models.nliModel, dtype: models.dtype, version: 'v1' },
    opts.axes,
  );

  const out: FixtureDocumentIds[] = [];
  for (const [i, doc] of opts.documents.entries()) {
    const [outcome] = await ingestDocuments(
      db,
      [
        {
          file: `fixture-${i}.txt`,
          content: doc.chunks.map((c) => c.text).join('\n\n'),
          meta: { source: doc.source, title: doc.title, actor: doc.actor, actorType: doc.actorType, date: doc.date, url: doc.url, language: doc.language, kind: doc.kind },
        },
      ],
      { maxDocBytes: 10_000_000 },
    );
    if (outcome?.status !== 'created') throw new Error(`score fixture: document ${i} was not created: ${JSON.stringify(outcome)} (fixture documents must differ)`);
    const documentId = outcome.documentId;
    const [stored] = await db.select({ text: documents.text }).from(documents).where(eq(documents.id, documentId));
    const text = stored?.text ?? '';

    const chunkIds: number[] = [];
    let from = 0;
    for (const [ordinal, chunk] of doc.chunks.entries()) {
      const start = text.indexOf(chunk.text, from);
      if (start < 0) throw new Error(`score fixture: chunk ${ordinal} of document ${i} is not in the stored text (ingest changed it); use plain sentences`);
      from = start + chunk.text.length;
      const [row] = await db
        .insert(chunks)
        .values({ documentId, ordinal, start, end: from, text: chunk.text, tokenCount: chunk.text.split(/\s+/).length })
        .returning({ id: chunks.id });
      if (!row) throw new Error('score fixture: chunk insert returned nothing');
      chunkIds.push(row.id);

      if (chunk.vector) {
        await db.insert(embeddings).values({ chunkId: row.id, modelId: registry.embedModelId, dimension, vector: unit(chunk.vector) });
      }
      const byKind: [ScorerKind, Record<string, FixtureScore> | undefined][] = [
        ['nli', chunk.scores],
        ['prototype', chunk.prototype],
      ];
      for (const [kind, scores] of byKind) {
        for (const [slug, s] of Object.entries(scores ?? {})) {
          if (!slugs.has(slug)) throw new Error(`score fixture: chunk ${ordinal} of document ${i} scores unknown axis "${slug}"`);
          await db.insert(stanceScores).values({
            chunkId: row.id,
            axisId: registry.axisIds.get(slug) as number,
            scorerId: registry.scorerIds[kind],
            score: s.score,
            relevance: s.relevance,
            probA: s.probA ?? Math.max(0, -s.score),
            probB: s.probB ?? Math.max(0, s.score),
            label: s.label,
          });
        }
      }
    }
    await db
      .update(documents)
      .set({ status: doc.status ?? 'done', error: doc.error ?? null })
      .where(eq(documents.id, documentId));
    out.push({ id: documentId, source: doc.source, chunkIds, text });
  }
  return { models, registry, documents: out, chunkIds: out.flatMap((d) => d.chunkIds) };
}

/** The vector scaled to length 1 (a zero vector stays zero). */
export function unit(v: number[]): number[] {
  const norm = Math.hypot(...v);
  return norm === 0 ? v.map(() => 0) : v.map((x) => x / norm);
}

/**
 * The environment a CLI run needs to read a store built by buildScoreFixture under `work`: the
 * fixture axes written to work/axes.json, the fixture model names, and no scorer, lexicon file or
 * threshold profile from the caller's environment.
 */
export function fixtureCliEnv(work: string): Record<string, string> {
  const axesFile = join(work, 'axes.json');
  writeFileSync(axesFile, JSON.stringify({ axes: FIXTURE_AXES.map(({ version: _v, ...definition }) => definition) }));
  return {
    STANCE_DATA_DIR: join(work, 'store'),
    STANCE_AXES_FILE: axesFile,
    STANCE_EMBED_MODEL: FIXTURE_MODELS.embedModel,
    STANCE_NLI_MODEL: FIXTURE_MODELS.nliModel,
    STANCE_MODEL_DTYPE: FIXTURE_MODELS.dtype,
    STANCE_SCORER: '',
    STANCE_LEXICON_FILE: '',
    STANCE_THRESHOLD_PROFILE: '',
  };
}
