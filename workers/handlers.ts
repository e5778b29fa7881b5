import type { Job } from 'bullmq';
import { chunkBudget } from '../app/inference.ts';
import { batchWork, chunkDocument, embedChunks, finishDocument, runScorerNames, scoreChunks, type StepContext } from '../app/steps.ts';
import { scorerByName } from '../app/scorers/index.ts';
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
      const chunkIds = await chunkDocument(ctx, documentId, chunkBudget(ctx.chunkTokens, ctx.inference?.nliModel.maxTokens));
      // Children are named after this job, so each run (database incarnation, attempt) has its own.
      await producer.enqueueDocumentFlow(job.id ?? `doc-${documentId}`, documentId, chunkIds);
      return { chunks: chunkIds.length };
    },
    'embed-chunks': async ({ chunkIds }) => {
      const embedded = await embedChunks(ctx, chunkIds);
      // Every scorer of the run except NLI (its own, heavier job): cheap ones that ride along with the embedding.
      let scored = 0;
      const names = runScorerNames(ctx).filter((n) => n !== 'nli');
      const work = await batchWork(ctx, chunkIds, names);
      for (const name of names) scored += await scoreChunks(ctx, chunkIds, name, work.get(name));
      return { embedded, scored };
    },
    'score-chunks': async ({ chunkIds, scorer, axes }) => {
      const scoped = axes ? { ...ctx, axes: selectAxes(ctx.axes, axes) } : ctx;
      // The prototype scorer reads embeddings; a no-op when the current model already made them.
      if (scorerByName(scorer).descriptor.readsEmbeddings) await embedChunks(ctx, chunkIds);
      return { scored: await scoreChunks(scoped, chunkIds, scorer) };
    },
    'finish-document': async ({ documentId }) => ({ status: await finishDocument(ctx, documentId) }),
  };
}
