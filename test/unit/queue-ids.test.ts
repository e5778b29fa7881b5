import { describe, expect, it } from 'vitest';
import { withRetries } from '../../app/record-failure.ts';
import { childJobId, documentJobId, finishJobId, runOfJobId } from '../../workers/job-ids.ts';

describe('queue job ids', () => {
  const run = { incarnation: '1mlp1lm1n41rjdan', documentId: 42, attempt: 3 };

  it('differ by database incarnation and by attempt, and never contain ":" (BullMQ refuses it)', () => {
    const ids = [documentJobId(run), documentJobId({ ...run, attempt: 4 }), documentJobId({ ...run, incarnation: '1mlp1lm1n41rjdao' })];
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).not.toContain(':');
    expect(documentJobId(run)).toBe('doc-1mlp1lm1n41rjdan-42-3');
  });

  it('name the children of a run after it, so the run can be read back from any of its jobs', () => {
    const parent = documentJobId(run);
    for (const id of [parent, finishJobId(parent), childJobId(parent, 'embed', 7), childJobId(parent, 'nli', 7)]) expect(runOfJobId(id)).toEqual(run);
    expect(childJobId(parent, 'embed', 7)).not.toBe(childJobId(parent, 'nli', 7));
  });

  it('read no run from ids of another form (legacy doc-N, rescore jobs, none)', () => {
    expect(runOfJobId('doc-5')).toBeUndefined();
    expect(runOfJobId('rescore-nli-12')).toBeUndefined();
    expect(runOfJobId(undefined)).toBeUndefined();
  });
});

describe('withRetries', () => {
  it('runs a failing write again until it succeeds', async () => {
    let calls = 0;
    const delays: number[] = [];
    const result = await withRetries(
      async () => {
        if (++calls < 4) throw new Error('ECONNREFUSED');
        return 'written';
      },
      { firstDelayMs: 1, maxDelayMs: 4, budgetMs: 10_000, onRetry: (_e, d) => delays.push(d) },
    );
    expect(result).toBe('written');
    expect(calls).toBe(4);
    expect(delays).toEqual([1, 2, 4]);
  });

  it('gives up with the last error once the budget is spent or the signal aborts', async () => {
    let calls = 0;
    await expect(withRetries(async () => { calls++; throw new Error(`down ${calls}`); }, { firstDelayMs: 5, maxDelayMs: 5, budgetMs: 12 })).rejects.toThrow(/down \d/);
    expect(calls).toBeGreaterThanOrEqual(2);
    const stop = new AbortController();
    let n = 0;
    const pending = withRetries(async () => { if (++n === 1) stop.abort(); throw new Error('down'); }, { firstDelayMs: 60_000, maxDelayMs: 60_000, budgetMs: 600_000, signal: stop.signal });
    await expect(pending).rejects.toThrow('down');
    expect(n).toBe(1);
  });
});
