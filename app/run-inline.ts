import { inArray } from 'drizzle-orm';
import { documents } from '../db/schema/index.ts';
import type { Db } from '../db/client.ts';
import { failureMessage } from '../pipeline/failure-message.ts';
import { chunkBudget } from './inference.ts';
import { chunkDocument, embedChunks, finishDocument, runScorerNames, scoreChunks, setStatus, type StepContext } from './steps.ts';

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

/**
 * Runs the same steps as the queue workers, in this process: chunk, embed, score with every
 * scorer of the run (those reading embeddings first), finish. A failing document is marked failed with its error; the others go on.
 */
export async function processInline(ctx: StepContext, documentIds: number[], onProgress?: (p: InlineProgress) => void): Promise<InlineResult[]> {
  const budget = chunkBudget(ctx.chunkTokens, ctx.inference?.nliModel.maxTokens);
  const scorerNames = runScorerNames(ctx);
  const progress: InlineProgress = { documentsDone: 0, documentsTotal: documentIds.length, chunksDone: 0, chunksTotal: 0 };
  const results: InlineResult[] = [];
  for (const documentId of documentIds) {
    progress.current = `document ${documentId}`;
    try {
      const chunkIds = await chunkDocument(ctx, documentId, budget);
      progress.chunksTotal += chunkIds.length;
      onProgress?.({ ...progress });
      for (let i = 0; i < chunkIds.length; i += CHUNKS_PER_STEP) {
        const batch = chunkIds.slice(i, i + CHUNKS_PER_STEP);
        await embedChunks(ctx, batch);
        for (const name of scorerNames) await scoreChunks(ctx, batch, name);
        progress.chunksDone += batch.length;
        onProgress?.({ ...progress });
      }
      const status = await finishDocument(ctx, documentId);
      results.push({ documentId, status, chunks: chunkIds.length });
    } catch (err) {
      const error = failureMessage(err);
      await setStatus(ctx.db, documentId, 'failed', error);
      results.push({ documentId, status: 'failed', chunks: 0, error });
    }
    progress.documentsDone++;
    onProgress?.({ ...progress });
  }
  return results;
}
