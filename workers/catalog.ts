import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { scorerByName } from '../app/scorers/index.ts';
import { idSchema } from '../app/compare/selection.ts';

/**
 * Jobs `stance worker` runs at once per queue by default: two, so that one inference job's
 * database reads and writes overlap the other's forward passes (both share the inference pool,
 * whose scheduler keeps every session busy); at most one job is in flight beside the current one.
 */
export const DEFAULT_WORKER_CONCURRENCY = 2;

// A row id as the database has them (integer columns): a larger one would pass as a number and
// then fail in SQL, which the worker takes for a database fault and retries for minutes.
const id = idSchema;
const chunkIds = z.array(id).min(1).max(10_000);
// A scorer name of app/scorers ("nli", "lexicon", "trained:dev"); the message lists the known ones.
const scorerName = z.string().superRefine((name, ctx) => {
  try {
    scorerByName(name);
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
  }
});

// Transient failures (a database restart, a lost connection) retry with growing pauses; the
// producer can override both (STANCE_JOB_ATTEMPTS, STANCE_JOB_BACKOFF_MS) through retryOptions().
const retrying: JobsOptions = { attempts: 4, backoff: { type: 'exponential', delay: 2_000 } };
const keep: JobsOptions = { removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 }, removeOnFail: { age: 30 * 24 * 3600 } };

/**
 * The job catalog: the single source of truth for job names, their queue, payload schema and
 * options. Payloads carry ids; the text lives in Postgres.
 */
export const JOBS = {
  /** Chunk a document, then fan out its embed and score jobs under a finish job (a BullMQ flow). */
  'process-document': { queue: 'documents', payload: z.object({ documentId: id }).strict(), options: { ...retrying, ...keep } },
  /** Embed a batch of chunks, then score them with the cheap scorers: the embedding-prototype and those without models (lexicon). */
  'embed-chunks': { queue: 'inference', payload: z.object({ documentId: id, chunkIds }).strict(), options: { ...retrying, ...keep } },
  /** Score a batch of chunks with one scorer on the current axes (also used by `stance rescore`). */
  'score-chunks': {
    queue: 'inference',
    payload: z.object({ documentId: id.optional(), chunkIds, scorer: scorerName, axes: z.array(z.string()).optional() }).strict(),
    options: { ...retrying, ...keep },
  },
  /** Mark a document done once every child job has finished. */
  'finish-document': { queue: 'documents', payload: z.object({ documentId: id }).strict(), options: { ...retrying, ...keep } },
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;
export const QUEUE_NAMES = ['documents', 'inference'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Chunks per embed/score job: small enough to keep one job short, big enough to batch well. */
export const CHUNKS_PER_JOB = 32;

/** Validates a payload for a job; throws with the job name and the field on bad data. */
export function parsePayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  const result = JOBS[name].payload.safeParse(data);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    throw new PayloadError(`malformed payload for job ${name}: ${detail}`);
  }
  return result.data as JobPayload<N>;
}

/** A payload that does not match its job's schema; never worth a retry. */
export class PayloadError extends Error {
  override name = 'PayloadError';
}

/** How often a job runs before it fails for good, and the first pause between runs (doubling). */
export interface RetrySettings {
  attempts: number;
  backoffMs: number;
}

/** BullMQ options for the given retry settings (they replace the catalog's defaults). */
export function retryOptions(r: RetrySettings): JobsOptions {
  return { attempts: r.attempts, backoff: { type: 'exponential', delay: r.backoffMs } };
}

/** True for a known job name (job names arrive as strings from Redis). */
export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}
