import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../app/compare/compare.ts';
import { formatComparison } from '../../cli/commands/compare.ts';
import { topGroups } from '../../cli/commands/map.ts';
import { stepProgress } from '../../cli/progress.ts';
import { parseManifest } from '../../pipeline/manifest.ts';
import { idleQueueWarning, type QueueCount } from '../../workers/queue-counts.ts';

/** A stream that records what is written, as a terminal or as a log file. */
function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = { isTTY, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

describe('rescore progress', () => {
  it('off a terminal prints a line at each tenth of the work and at the end, not one per batch', () => {
    const log = fakeStream(false);
    const p = stepProgress('rescored', 'chunks', log.stream);
    for (let done = 32; done < 3200; done += 32) p.update(done, 3200);
    p.update(3200, 3200);
    p.done();
    const lines = log.text().split('\n').filter(Boolean);
    // Steps 0..10 of tenths: at most 11 lines for 100 batches, none with a carriage return.
    expect(lines.length).toBeLessThanOrEqual(11);
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(log.text()).not.toContain('\r');
    expect(lines.at(-1)).toBe('rescored 3200/3200 chunks');
  });

  it('on a terminal redraws one line and ends it', () => {
    const tty = fakeStream(true);
    const p = stepProgress('rescored', 'chunks', tty.stream);
    p.update(1, 2);
    p.update(2, 2);
    p.done();
    expect(tty.text()).toBe('\rrescored 1/2 chunks\rrescored 2/2 chunks\n');
  });
});

const comparison = (groups: number, omitted: boolean): Comparison => ({
  axis: 'gov',
  axis_version: 'v',
  poles: ['state', 'multi'],
  scorer: 'nli:x',
  by: 'source',
  relevance_threshold: 0.5,
  min_relevant: 3,
  seed: 1,
  groups: Array.from({ length: groups }, (_, i) => ({ key: `S${i}`, position: 0, ci: null, ci_method: null, n_chunks: 1, n_relevant: 1, labels: { state: 0, multi: 0, neutral: 1, irrelevant: 0 } })),
  pairs: [],
  ...(omitted && { pairs_omitted: `${groups} groups are more than 30: pairwise differences omitted; select fewer sources or documents` }),
});

describe('compare table', () => {
  it('says when the pairs are omitted and how to get them', () => {
    const text = formatComparison(comparison(31, true));
    expect(text).toContain('31 groups are more than 30: pairwise differences omitted');
    expect(text).toContain('For the pairs, name at most 30 groups with --sources A B ..., or group more coarsely with --by.');
  });

  it('says nothing of the kind when no pair was omitted', () => {
    expect(formatComparison(comparison(2, false))).not.toContain('omitted');
  });
});

describe('map --top', () => {
  it('keeps the n groups with the most relevant chunks, in their order, ties by name', () => {
    const groups = [
      { key: 'c', n_relevant: 5 },
      { key: 'a', n_relevant: 9 },
      { key: 'b', n_relevant: 5 },
      { key: 'd', n_relevant: 1 },
    ];
    expect(topGroups(groups, 2).map((g) => g.key)).toEqual(['a', 'b']);
    expect(topGroups(groups, 10)).toHaveLength(4);
  });
});

describe('status warning for waiting documents', () => {
  const q = (workers: number): QueueCount => ({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, waiting_children: 0, workers });
  it('warns when documents wait and no worker is connected to any queue', () => {
    expect(idleQueueWarning(3, { documents: q(0), inference: q(0) })).toMatch(/^3 document\(s\) wait .* no worker is connected .*stance worker/);
  });
  it('is silent when a worker is connected or nothing waits', () => {
    expect(idleQueueWarning(3, { documents: q(1), inference: q(0) })).toBeNull();
    expect(idleQueueWarning(0, { documents: q(0), inference: q(0) })).toBeNull();
  });
});

describe('manifest defaults (ingest --manifest with --source and other metadata options)', () => {
  it('fill in the fields an entry leaves out; an entry keeps its own values', () => {
    const text = ['{"file": "a.txt"}', '{"file": "b.txt", "source": "Own", "language": "fr"}'].join('\n');
    const { entries, errors } = parseManifest(text, 'm.jsonl', { source: 'Default', language: 'en', actor_type: 'state' });
    expect(errors).toEqual([]);
    expect(entries.map((e) => [e.meta.source, e.meta.language, e.meta.actorType])).toEqual([
      ['Default', 'en', 'state'],
      ['Own', 'fr', 'state'],
    ]);
  });

  it('without defaults, an entry without a source is an error naming it', () => {
    const { entries, errors } = parseManifest('{"file": "a.txt"}\n', 'm.jsonl');
    expect(entries).toEqual([]);
    expect(errors[0]?.message).toContain('source is required');
  });
});
