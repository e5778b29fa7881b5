import { describe, expect, it } from 'vitest';
import { documentJobId, finishJobId } from '../../workers/job-ids.ts';
import { failedRunDocument } from '../../workers/run-workers.ts';

// Which document a failed job may mark failed: only one of its own runs (workers/job-ids.ts).
describe('failedRunDocument', () => {
  const run = documentJobId({ incarnation: 'abc123', documentId: 7, attempt: 2 });

  it("is the run's document for a job of stance's names and ids, whether or not its payload names it", () => {
    expect(failedRunDocument({ id: run, name: 'process-document', data: { documentId: 7 } })).toBe(7);
    expect(failedRunDocument({ id: finishJobId(run), name: 'finish-document', data: { documentId: 7 } })).toBe(7);
    expect(failedRunDocument({ id: `${run}-nli-40`, name: 'score-chunks', data: { chunkIds: [40], scorer: 'nli' } })).toBe(7);
  });

  it('is none for a job added by hand: an id of another form, an unknown name, or a payload about another document', () => {
    expect(failedRunDocument({ id: '12', name: 'process-document', data: { documentId: 7 } })).toBeUndefined();
    expect(failedRunDocument({ id: run, name: 'hasOwnProperty', data: { documentId: 7 } })).toBeUndefined();
    expect(failedRunDocument({ id: run, name: 'process-document', data: { documentId: 8 } })).toBeUndefined();
  });

  it('reads any payload without throwing on it: null, a string, an array', () => {
    for (const data of [null, 'x', [1]]) expect(failedRunDocument({ id: run, name: 'process-document', data })).toBe(7);
    expect(failedRunDocument({ id: '3', name: 'process-document', data: null })).toBeUndefined();
  });
});
