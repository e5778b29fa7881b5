import { inArray } from 'drizzle-orm';
import { documents } from '../db/schema/index.ts';
import type { Db } from '../db/client.ts';
import { failureMessage } from '../pipeline/failure-message.ts';
import { chunkBudget } from './inference.ts';
import { scorerByName } from './scorers/index.ts';
import { batchWork, chunkDocument, embedChunks, finishDocument, runScorerNames, scoreChunks, setStatus, type StepContext } from './steps.ts';

/** Progress of an inline run, reported after every batch. */
export interface InlineProgress {
  documentsDone: number;
  documentsTotal: number;
  chunksDone: number;
  chunksTotal: number;
  current?: string;
}

/** Outcome of one document of an inline run. */
export interface InlineResult {
  documentId: number;
  status: 'done' | 'failed';
  chunks: number;
  error?: string;
}

const CHUNKS_PER_STEP = 32;

/**
 * Documents an inline run should process, oldest first: queued ones, and ones left 'processing'
 * by an inline run that was interrupted (without a queue, nothing else is working on them; the
 * steps are idempotent, so finishing them is safe).
 */
export async function unfinishedDocumentIds(db: Db, opts: { failed?: boolean } = {}): Promise<number[]> {
  const statuses = opts.failed ? (['queued', 'processing', 'failed'] as const) : (['queued', 'processing'] as const);
  const rows = await db.select({ id: documents.id }).from(documents).where(inArray(documents.status, [...statuses])).orderBy(documents.id);
  return rows.map((r) => r.id);
}

/** Batches in flight at once: the one being stored, and the next one in inference. */
const BATCHES_IN_FLIGHT = 2;

/**
 * Runs the same steps as the queue workers, in this process: chunk, embed, score with every
 * scorer of the run (those reading embeddings first), finish. A failing document is marked
 * failed with its error; the others go on. Results come in the order of documentIds.
 *
 * Batches of 32 chunks overlap, one ahead: while a batch's rows are written (on this thread,
 * with PGlite) the next batch, of the same document or the next one, is already in inference,
 * so the inference threads do not wait for the store. Within a batch, the embedding (then the
 * scorers that read it) and the other scorers run side by side.
 * A document is finished (or marked failed) once all of its batches have settled; after a batch
 * fails, no further batch of that document starts.
 */
export async function processInline(ctx: StepContext, documentIds: number[], onProgress?: (p: InlineProgress) => void): Promise<InlineResult[]> {
  const budget = chunkBudget(ctx.chunkTokens, ctx.inference?.nliModel.maxTokens);
  const scorerNames = runScorerNames(ctx);
  const progress: InlineProgress = { documentsDone: 0, documentsTotal: documentIds.length, chunksDone: 0, chunksTotal: 0 };
  const report = () => onProgress?.({ ...progress });
  const results: InlineResult[] = [];
  const slots = createSlots(BATCHES_IN_FLIGHT);
  const documentsSettled: Promise<void>[] = [];

  // Two lines of work per batch that need nothing from each other, as the queue's embed and score
  // jobs: the embedding and the scorers that read it, and the other scorers (NLI the heaviest). Run
  // side by side, the NLI pieces keep the pool's other sessions busy while the first one embeds.
  const readsEmbeddings = (name: string) => scorerByName(name).descriptor.readsEmbeddings;
  const embeddingLine = scorerNames.filter(readsEmbeddings);
  const otherLine = scorerNames.filter((name) => !readsEmbeddings(name));
  const runBatch = async (batch: number[]) => {
    // What each scorer still lacks, asked once for the batch (a resumed run skips what is stored).
    const work = await batchWork(ctx, batch, scorerNames);
    const lines = await Promise.allSettled([
      (async () => {
        await embedChunks(ctx, batch);
        for (const name of embeddingLine) await scoreChunks(ctx, batch, name, work.get(name));
      })(),
      (async () => {
        for (const name of otherLine) await scoreChunks(ctx, batch, name, work.get(name));
      })(),
    ]);
    // Both lines have settled (nothing of this batch still writes) before a failure is reported.
    const failed = lines.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
    progress.chunksDone += batch.length;
    report();
  };
  // What could not even be recorded (marking a document failed failed): the run stops with it
  // once everything in flight has settled, as it did when the documents ran one by one.
  let unrecorded: { error: unknown } | undefined;
  const settle = (index: number, documentId: number, outcome: () => Promise<InlineResult>) =>
    (async () => {
      try {
        results[index] = await outcome();
      } catch (err) {
        const error = failureMessage(err);
        await setStatus(ctx.db, documentId, 'failed', error);
        results[index] = { documentId, status: 'failed', chunks: 0, error };
      }
      progress.documentsDone++;
      report();
    })().catch((error: unknown) => void (unrecorded ??= { error }));

  for (const [index, documentId] of documentIds.entries()) {
    if (unrecorded) break;
    progress.current = `document ${documentId}`;
    let chunkIds: number[];
    try {
      chunkIds = await chunkDocument(ctx, documentId, budget);
    } catch (err) {
      documentsSettled.push(settle(index, documentId, () => Promise.reject(err)));
      continue;
    }
    progress.chunksTotal += chunkIds.length;
    report();
    const failures: unknown[] = [];
    const batches: Promise<void>[] = [];
    for (let i = 0; i < chunkIds.length && failures.length === 0; i += CHUNKS_PER_STEP) {
      const batch = chunkIds.slice(i, i + CHUNKS_PER_STEP);
      await slots.take();
      if (failures.length > 0) {
        slots.give();
        break;
      }
      batches.push(
        runBatch(batch)
          .catch((err: unknown) => void failures.push(err))
          .finally(() => slots.give()),
      );
    }
    documentsSettled.push(
      settle(index, documentId, async () => {
        await Promise.all(batches);
        if (failures.length > 0) throw failures[0];
        return { documentId, status: await finishDocument(ctx, documentId), chunks: chunkIds.length };
      }),
    );
  }
  await Promise.all(documentsSettled);
  if (unrecorded) throw unrecorded.error;
  return results;
}

/** A counting semaphore: take() waits while all `n` slots are taken. */
function createSlots(n: number): { take: () => Promise<void>; give: () => void } {
  let free = n;
  const waiting: (() => void)[] = [];
  return {
    take: () => {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    give: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}
