/**
 * Queue job ids. A document's jobs are named after its database incarnation (so a recreated
 * database never meets jobs of the old one left in Redis) and its queue attempt (so re-queueing
 * never meets a finished or failed job of an earlier attempt: BullMQ silently ignores an add whose
 * id exists). The children of a run are named after the run's process-document job.
 * BullMQ custom ids must not contain ':'.
 */

/** What a process-document job id says about its run. */
export interface DocumentRun {
  incarnation: string;
  documentId: number;
  attempt: number;
}

/** The id of a document's process-document job for one incarnation and attempt. */
export function documentJobId(run: DocumentRun): string {
  return `doc-${run.incarnation}-${run.documentId}-${run.attempt}`;
}

/** The id of the finish job of a run, given the run's process-document job id. */
export function finishJobId(documentJobId: string): string {
  return `${documentJobId}-finish`;
}

/** The id of a child job (embed or nli) of a run, named after its first chunk. */
export function childJobId(documentJobId: string, kind: 'embed' | 'nli', firstChunkId: number): string {
  return `${documentJobId}-${kind}-${firstChunkId}`;
}

const RUN_PREFIX = /^doc-([a-z0-9]+)-(\d+)-(\d+)(?:-|$)/;

/** The run a job belongs to (its own id or its children's), or undefined for ids of another form. */
export function runOfJobId(jobId: string | undefined): DocumentRun | undefined {
  const m = jobId ? RUN_PREFIX.exec(jobId) : null;
  if (!m) return undefined;
  return { incarnation: m[1] as string, documentId: Number(m[2]), attempt: Number(m[3]) };
}
