import type { Job } from 'bullmq';
import { chunkBudget } from '../app/inference.ts';
import { chunkDocument, embedChunks, finishDocument, scoreChunks, type StepContext } from '../app/steps.ts';
import { selectAxes } from '../pipeline/axes.ts';
import type { JobName, JobPayload } from './catalog.ts';
import type { Producer } from './producer.ts';

type Handler<N extends JobName> = (payload: JobPayload<N>, job: Job) => Promise<unknown>;

/** One handler per job of the catalog; a job without a handler fails the type check. */
export type Handlers = { [N in JobName]: Handler<N> };

/** Wires the processing steps to the jobs of the catalog. */
export function makeHandlers(ctx: StepContext, producer: Producer): Handlers {
  return {
    'process-document': async ({ documentId }, job) => {
      const chunkIds = await chunkDocument(ctx, documentId, chunkBudget(ctx.chunkTokens, ctx.inference.nliModel.maxTokens));
      // Children are named after this job, so each run (database incarnation, attempt) has its own.
      await producer.enqueueDocumentFlow(job.id ?? `doc-${documentId}`, documentId, chunkIds);
      return { chunks: chunkIds.length };
    },
    'embed-chunks': async ({ chunkIds }) => {
      const embedded = await embedChunks(ctx, chunkIds);
      const scored = await scoreChunks(ctx, chunkIds, 'prototype');
      return { embedded, scored };
    },
    'score-chunks': async ({ chunkIds, scorer, axes }) => {
      const scoped = axes ? { ...ctx, axes: selectAxes(ctx.axes, axes) } : ctx;
      // The prototype scorer reads embeddings; a no-op when the current model already made them.
      if (scorer === 'prototype') await embedChunks(ctx, chunkIds);
      return { scored: await scoreChunks(scoped, chunkIds, scorer) };
    },
    'finish-document': async ({ documentId }) => ({ status: await finishDocument(ctx, documentId) }),
  };
}
