import { z } from 'zod';
import type { Comparison } from '../app/compare/compare.ts';
import type { runEvidence, runSimilar } from '../app/compare/service.ts';
import { GROUP_BY } from '../app/compare/selection.ts';
import type { SourceStatus } from '../app/status.ts';
import type { DocumentRow } from '../app/documents.ts';
import type { MergeResult, RenameResult, SourceListing } from '../app/sources.ts';
import { DOCUMENT_STATUSES } from '../db/schema/index.ts';
import { FORMATS } from '../pipeline/formats.ts';
import { documentMetaSchema, sourceNameField } from '../pipeline/document-meta.ts';
import { FIELD_LIMITS } from '../pipeline/limits.ts';

/**
 * The JSON the API answers with, as zod schemas: the OpenAPI description is generated from them,
 * tests validate responses against them, and the type checks at the bottom fail to compile when
 * they and the types the queries return drift apart.
 */

const int = z.number().int();
const ci = z.tuple([z.number(), z.number()]);

export const groupPositionSchema = z.strictObject({
  key: z.string(),
  position: z.number().nullable().describe('relevance-weighted mean chunk score: -1 = pole A, +1 = pole B; null when no chunk has relevance'),
  ci: ci.nullable().describe('95% interval; null with too few relevant chunks'),
  ci_method: z.enum(['bootstrap', 'normal']).nullable().describe('percentile bootstrap over chunks, or for groups past the work budget its large-sample normal equivalent'),
  n_chunks: int,
  n_relevant: int.describe('chunks whose relevance reaches the axis threshold'),
  labels: z.record(z.string(), int).describe('chunks per label: pole A, pole B, neutral, irrelevant'),
});

export const pairDifferenceSchema = z.union([
  z.strictObject({
    a: z.string(),
    b: z.string(),
    status: z.literal('ok'),
    diff: z.number(),
    ci,
    p: z.number().describe('two-sided permutation p-value'),
    ci_method: z.enum(['bootstrap', 'normal']),
    p_method: z.enum(['permutation', 'normal']).describe('Monte Carlo permutation test, or past the work budget its normal approximation'),
  }),
  z.strictObject({
    a: z.string(),
    b: z.string(),
    status: z.literal('too_few_relevant_chunks'),
    diff: z.null(),
    ci: z.null(),
    p: z.null(),
    n_relevant: z.tuple([int, int]),
    min_relevant: int,
  }),
]);

export const comparisonSchema = z.strictObject({
  axis: z.string(),
  axis_version: z.string(),
  poles: z.tuple([z.string(), z.string()]).describe('[pole A (-1), pole B (+1)]'),
  scorer: z.string().describe('the scorer version key'),
  by: z.enum(GROUP_BY),
  relevance_threshold: z.number(),
  min_relevant: int,
  seed: int,
  groups: z.array(groupPositionSchema),
  pairs: z.array(pairDifferenceSchema).describe('every pair of groups: diff = position(a) - position(b)'),
  pairs_omitted: z.string().optional().describe('why pairs is empty: more groups than a table of pairs can serve'),
});

export const compareResponseSchema = z.union([comparisonSchema, z.strictObject({ comparisons: z.array(comparisonSchema) })]);

const detailsSchema = z
  .record(z.string(), z.unknown())
  .nullable()
  .describe('why the scorer gave this label, when it can say: the lexicon scorer lists its matched terms ({terms: [{term, pole, weight, count, negated}]}); null otherwise');

export const evidencePassageSchema = z.strictObject({
  chunk_id: int,
  document_id: int,
  title: z.string().nullable(),
  date: z.string().nullable(),
  url: z.string().nullable(),
  source: z.string(),
  quote: z.string().describe('the passage, sliced from the stored document text by its offsets'),
  start: int,
  end: int,
  score: z.number(),
  relevance: z.number(),
  label: z.string(),
  details: detailsSchema,
});

export const evidenceResponseSchema = z.strictObject({
  axis: z.string(),
  pole: z.string(),
  source: z.string(),
  scorer: z.string(),
  passages: z.array(evidencePassageSchema),
});

const stanceSchema = z.strictObject({ score: z.number(), relevance: z.number(), label: z.string(), details: detailsSchema });

export const similarPassageSchema = z.strictObject({
  chunk_id: int,
  document_id: int,
  source: z.string(),
  title: z.string().nullable(),
  similarity: z.number().describe('cosine similarity to the query'),
  text: z.string(),
  stances: z.record(z.string(), stanceSchema).describe('the stance on every axis, by axis slug'),
});

export const similarResponseSchema = z.strictObject({
  query: z.strictObject({ text: z.string().optional(), chunk: int.optional() }),
  scorer: z.string(),
  passages: z.array(similarPassageSchema),
});

const poleSummary = z.strictObject({ slug: z.string(), label: z.string() });

export const axisSummarySchema = z.strictObject({
  slug: z.string(),
  label: z.string(),
  description: z.string().optional(),
  version: z.string().describe('hash of the definition; scores are stored per version'),
  poles: z.tuple([poleSummary, poleSummary]).describe('[pole A (-1), pole B (+1)]'),
  thresholds: z.strictObject({ relevance: z.number(), margin: z.number() }),
});

export const axesResponseSchema = z.strictObject({ axes: z.array(axisSummarySchema) });

export const scorersResponseSchema = z.strictObject({
  default: z.string().nullable().describe('the scorer queries read without ?scorer= (STANCE_SCORER, else the best with scores); null when nothing is scored or default_refused says why'),
  default_refused: z.string().nullable().describe('why queries without ?scorer= refuse: a threshold profile whose scorer has no scores under it yet (run the rescore it names)'),
  scorers: z.array(
    z.strictObject({
      name: z.string().describe('what ?scorer= takes'),
      kind: z.string(),
      summary: z.string(),
      needs_models: z.array(z.enum(['embedding', 'nli'])),
      available: z.boolean().describe('it can score on this machine (models found locally, or none needed)'),
      availability: z.string(),
      version: z.string().nullable().describe('the scorer version key queries read, or the one a run would write'),
      scored: z.boolean(),
      latest_eval: z
        .strictObject({
          run_id: int,
          created_at: z.string(),
          set_file: z.string(),
          split: z.string(),
          n_items: int,
          macro_f1: z.record(z.string(), z.number().nullable()),
          fitted_on_evaluated_split: z.boolean().describe('the scorer was fitted on items of that split: the numbers are in-sample, not an estimate of accuracy'),
          in_sample_note: z.string().nullable(),
        })
        .nullable(),
    }),
  ),
});

const statusCounts = z.strictObject(Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, int])) as Record<(typeof DOCUMENT_STATUSES)[number], typeof int>);

export const statusResponseSchema = z.strictObject({
  sources: z.array(z.strictObject({ source: z.string(), total: int, by_status: statusCounts })),
  failed: z.array(z.strictObject({ id: int, title: z.string().nullable(), file_name: z.string().nullable(), error: z.string().nullable() })),
});

export const documentResponseSchema = z.strictObject({
  id: int,
  source: z.string(),
  actor_type: z.string().nullable().describe("the document's actor type, else its source's"),
  title: z.string().nullable(),
  actor: z.string().nullable(),
  date: z.string().nullable(),
  url: z.string().nullable(),
  language: z.string().nullable(),
  kind: z.string().nullable(),
  file_name: z.string().nullable(),
  format: z.string(),
  bytes: int,
  metadata: z.record(z.string(), z.unknown()),
  status: z.enum(DOCUMENT_STATUSES),
  error: z.string().nullable().describe('why processing failed'),
  created_at: z.string(),
  updated_at: z.string(),
  chunks: int,
  scored_chunks: z
    .record(z.string(), z.record(z.string(), int))
    .nullable()
    .describe('when done: chunks with a score, by scorer kind and axis slug (current scorer and axis versions); null before'),
});

export const createdResponseSchema = z.strictObject({
  id: int,
  status: z.enum(DOCUMENT_STATUSES),
  source: z.string(),
  processing: z.enum(['workers', 'manual']).describe('workers: queued for `stance worker` (REDIS_URL set); manual: waits for `stance process`'),
  notes: z.array(z.string()).optional().describe('when the source given is an alias of another, or the actor_type differs from the source\'s'),
});

export const duplicateResponseSchema = z.strictObject({
  id: int,
  status: z.enum(DOCUMENT_STATUSES).describe('the stored document\'s status'),
  source: z.string(),
  duplicate_of: int.describe('the stored document with the same normalized text (equal to id)'),
});

export const errorResponseSchema = z.strictObject({
  error: z.string(),
  issues: z.array(z.strictObject({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
  id: int.optional().describe('the stored document, when it was stored but could not be queued'),
});

const meta = documentMetaSchema.shape;

/** The body of POST /documents. Metadata fields validate like `stance ingest`'s. */
export const documentBodySchema = z.strictObject({
  text: z.string().describe('the document: plain text, Markdown or HTML'),
  format: z.enum(FORMATS).optional().describe('how to read text; default: by file_name, else text'),
  file_name: z.string().trim().min(1).max(FIELD_LIMITS.fileName, `file_name is longer than ${FIELD_LIMITS.fileName} characters`).optional().describe('original file name (its extension gives the format); default document.txt'),
  source: meta.source.describe('who the text speaks for, e.g. ITU'),
  actor: meta.actor,
  actor_type: meta.actorType,
  title: meta.title,
  date: meta.date.describe('YYYY, YYYY-MM or YYYY-MM-DD'),
  url: meta.url,
  language: meta.language.describe('language tag, e.g. en'),
  kind: meta.kind.describe('speech, declaration, ...'),
  metadata: meta.metadata.describe('other fields, kept with the document'),
});
export type DocumentBody = z.output<typeof documentBodySchema>;

export const documentRowSchema = z.strictObject({
  id: int,
  source: z.string().describe('the canonical source'),
  actor: z.string().nullable(),
  actor_type: z.string().nullable().describe("the document's actor type, else its source's"),
  title: z.string().nullable(),
  date: z.string().nullable(),
  url: z.string().nullable(),
  language: z.string().nullable(),
  kind: z.string().nullable(),
  file_name: z.string().nullable(),
  status: z.enum(DOCUMENT_STATUSES),
  error: z.string().nullable(),
  chunks: int,
  embedded: int.describe('chunks with an embedding'),
  scored: int.describe('chunks with a score of any scorer'),
  created_at: z.string(),
  updated_at: z.string().describe('last status change or metadata correction'),
});

export const documentListResponseSchema = z.strictObject({
  total: int.describe('documents matching the filters, on every page'),
  limit: int,
  offset: int,
  documents: z.array(documentRowSchema),
});

export const documentUpdateResponseSchema = z.strictObject({
  document: documentRowSchema,
  changed: z.array(z.string()).describe('the fields the request changed'),
});

export const documentDeleteResponseSchema = z.strictObject({
  dry_run: z.boolean().describe('true: nothing was deleted; `deleted` says what would be'),
  deleted: z.strictObject({
    id: int,
    source: z.string(),
    title: z.string().nullable(),
    chunks: int,
    embeddings: int,
    stance_scores: int,
    queue_attempt: int,
  }),
  queue_jobs: z
    .strictObject({ document_id: int, removed: z.array(z.string()), active: z.array(z.string()) })
    .nullable()
    .describe('the queue jobs removed (REDIS_URL set), and those a worker holds (they fail on the missing document); null without a queue'),
  queue_error: z.string().nullable().describe('why the jobs could not be removed (Redis down), else null'),
});

export const sourcesResponseSchema = z.strictObject({
  sources: z.array(z.strictObject({ name: z.string(), actor_type: z.string().nullable(), documents: int, aliases: z.array(z.string()) })),
});

// Names follow the rules of a source given at ingest (length, no control characters).
export const sourceRenameBodySchema = z.strictObject({
  from: sourceNameField('from').describe('the current name, or an alias of it'),
  to: sourceNameField('to').describe('the new name; must not name another source (merge then)'),
});

export const sourceMergeBodySchema = z.strictObject({
  from: sourceNameField('from').describe('the source to merge away (name or alias)'),
  into: sourceNameField('into').describe('the source that stays (name or alias)'),
});

export const sourceRenameResponseSchema = z.strictObject({
  from: z.string().describe('the old name, now an alias'),
  to: z.string(),
  aliases: z.array(z.string()).describe('every alias of the source now'),
});

export const sourceMergeResponseSchema = z.strictObject({
  from: z.string().describe('the merged source, now an alias of `into`'),
  into: z.string(),
  documents_moved: int,
  aliases: z.array(z.string()).describe('every alias of `into` now'),
});

// Compile-time drift checks: each schema's type and the type the code returns must match both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Evidence = Awaited<ReturnType<typeof runEvidence>>;
type Similar = Awaited<ReturnType<typeof runSimilar>>;
const _schemasMatchTypes: [
  Same<z.output<typeof comparisonSchema>, Comparison>,
  Same<z.output<typeof evidenceResponseSchema>, Evidence>,
  Same<z.output<typeof similarResponseSchema>, Similar>,
  Same<z.output<typeof statusResponseSchema>['sources'][number], SourceStatus>,
  Same<z.output<typeof documentListResponseSchema>['documents'][number], DocumentRow>,
  Same<z.output<typeof sourcesResponseSchema>['sources'][number], SourceListing>,
  Same<z.output<typeof sourceRenameResponseSchema>, RenameResult>,
  Same<z.output<typeof sourceMergeResponseSchema>, MergeResult>,
] = [true, true, true, true, true, true, true, true];
