import { describe, expect, it } from 'vitest';
import { createScheduler, inPieces } from '../../workers/scheduler.ts';

/** A promise settled from outside, to finish tasks in an order the test picks. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('createScheduler', () => {
  it('runs one task per member at a time and starts a waiting task when a member frees up', async () => {
    const scheduler = createScheduler(['x', 'y']);
    const started: string[] = [];
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    const runs = gates.map((g, i) =>
      scheduler.run(async (m) => {
        started.push(`${i}@${m}`);
        await g.promise;
        return i;
      }),
    );
    await tick();
    // Two members, three tasks: the third waits.
    expect(started).toHaveLength(2);
    expect(new Set(started.map((s) => s.split('@')[1]))).toEqual(new Set(['x', 'y']));
    const firstMember = (started[0] as string).split('@')[1];
    gates[0]?.resolve();
    await tick();
    expect(started).toHaveLength(3);
    // The freed member took it.
    expect((started[2] as string).split('@')[1]).toBe(firstMember);
    gates[1]?.resolve();
    gates[2]?.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
  });

  it('gives a task only to a member it accepts, and rejects a task no member accepts', async () => {
    const scheduler = createScheduler(['embeds', 'scores']);
    const onlyEmbeds = (m: string) => m === 'embeds';
    const hold = deferred<void>();
    const busy = scheduler.run(async (m) => {
      await hold.promise;
      return m;
    }, onlyEmbeds);
    // 'scores' is free but not accepted: the second task waits for 'embeds'.
    const second = scheduler.run(async (m) => m, onlyEmbeds);
    const other = scheduler.run(async (m) => m);
    expect(await other).toBe('scores');
    hold.resolve();
    expect(await busy).toBe('embeds');
    expect(await second).toBe('embeds');
    await expect(scheduler.run(async (m) => m, () => false)).rejects.toThrow(/no member/);
  });

  it('with two places per member, gives a task to an idle member before a busy one, and holds at most two each', async () => {
    const scheduler = createScheduler(['x', 'y'], 2);
    const took: string[] = [];
    const gates = Array.from({ length: 5 }, () => deferred<void>());
    const runs = gates.map((g) =>
      scheduler.run(async (m) => {
        took.push(m);
        await g.promise;
      }),
    );
    await tick();
    // Four places: one task each first (the last member first), then the second place of each; the fifth waits.
    expect(took).toEqual(['y', 'x', 'y', 'x']);
    gates[1]?.resolve();
    await tick();
    expect(took).toEqual(['y', 'x', 'y', 'x', 'x']);
    for (const g of gates) g.resolve();
    await Promise.all(runs);
  });

  it('gives a freed member a task only it can run before tasks that waited longer but any member can run', async () => {
    const scheduler = createScheduler(['embeds', 'scores']);
    const onlyEmbeds = (m: string) => m === 'embeds';
    const holds = { embeds: deferred<void>(), scores: deferred<void>() };
    const started: string[] = [];
    const job = (name: string) => async (m: string) => {
      started.push(`${name}@${m}`);
      if (name === 'first' || name === 'second') await holds[m as 'embeds' | 'scores'].promise;
      return name;
    };
    const first = scheduler.run(job('first'), onlyEmbeds);
    const second = scheduler.run(job('second'));
    await tick();
    expect(started.sort()).toEqual(['first@embeds', 'second@scores']);
    // Both busy: two tasks anyone can run wait, then one only 'embeds' can run.
    const anyA = scheduler.run(job('anyA'));
    const anyB = scheduler.run(job('anyB'));
    const embed = scheduler.run(job('embed'), onlyEmbeds);
    holds.embeds.resolve();
    await first;
    await embed;
    // 'embeds' took the embedding first; the older tasks waited for it or for 'scores'.
    expect(started[2]).toBe('embed@embeds');
    holds.scores.resolve();
    expect(await Promise.all([second, anyA, anyB])).toEqual(['second', 'anyA', 'anyB']);
  });

  it('runs an urgent task before every task waiting, restricted or not', async () => {
    const scheduler = createScheduler(['embeds', 'scores']);
    const order: string[] = [];
    const hold = deferred<void>();
    const job = (name: string) => async () => {
      order.push(name);
      if (name.startsWith('busy')) await hold.promise;
    };
    const busy = [scheduler.run(job('busy1')), scheduler.run(job('busy2'))];
    await tick();
    const waiting = [scheduler.run(job('any')), scheduler.run(job('embed'), (m) => m === 'embeds'), scheduler.run(job('urgent'), undefined, { urgent: true })];
    hold.resolve();
    await Promise.all([...busy, ...waiting]);
    expect(order.slice(2)[0]).toBe('urgent');
    expect(order.slice(2).sort()).toEqual(['any', 'embed', 'urgent']);
  });

  it('frees a member whose task throws or rejects', async () => {
    const scheduler = createScheduler(['only']);
    await expect(scheduler.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      scheduler.run(() => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    expect(await scheduler.run(async (m) => `${m} again`)).toBe('only again');
  });
});

describe('inPieces', () => {
  it('returns results in input order whatever order the pieces finish in', async () => {
    const scheduler = createScheduler([1, 2, 3]);
    const items = [10, 20, 30, 40, 50, 60, 70];
    const gates = new Map<number, ReturnType<typeof deferred<void>>>();
    const seen: number[][] = [];
    const call = inPieces(scheduler, items, 2, async (_m, piece) => {
      seen.push(piece);
      const g = deferred<void>();
      gates.set(piece[0] as number, g);
      await g.promise;
      return piece.map((x) => x + 1);
    });
    // Finish whatever is running, last-started first, until every piece ran.
    for (let finished = 0; finished < 4; ) {
      await tick();
      const running = [...gates.entries()].reverse();
      for (const [key, g] of running) {
        gates.delete(key);
        g.resolve();
        finished++;
      }
    }
    expect(await call).toEqual([11, 21, 31, 41, 51, 61, 71]);
    expect(seen.map((p) => p.length).sort()).toEqual([1, 2, 2, 2]);
    expect(seen.flat().sort((a, b) => a - b)).toEqual(items);
  });

  it('rejects the call when one piece fails, skips pieces not yet started, and leaves the members usable', async () => {
    const scheduler = createScheduler(['a', 'b']);
    const ran: number[] = [];
    const call = inPieces(scheduler, [1, 2, 3, 4, 5, 6], 1, async (_m, piece) => {
      ran.push(piece[0] as number);
      await tick();
      if (piece[0] === 2) throw new Error('piece 2 failed');
      return piece;
    });
    await expect(call).rejects.toThrow('piece 2 failed');
    await tick();
    await tick();
    // Pieces 1 and 2 started at once on the two members; after 2 failed, at most the piece that
    // took piece 1's member ran, the rest were skipped.
    expect(ran.slice(0, 2).sort()).toEqual([1, 2]);
    expect(ran.length).toBeLessThan(6);
    expect(await inPieces(scheduler, [7, 8, 9], 1, async (_m, p) => p)).toEqual([7, 8, 9]);
  });

  it('rejects a piece that returns the wrong number of results', async () => {
    const scheduler = createScheduler(['a']);
    await expect(inPieces(scheduler, [1, 2, 3], 2, async () => [0])).rejects.toThrow(/returned 1 results/);
  });

  it('calls nothing for no items', async () => {
    const scheduler = createScheduler(['a']);
    let calls = 0;
    expect(await inPieces(scheduler, [], 4, async (_m, p) => (calls++, p))).toEqual([]);
    expect(calls).toBe(0);
  });
});
