/**
 * Hands tasks to whichever member of a pool is free, first come first served: a member holds at
 * most `perMember` tasks at once, and a task may be limited to some members (embedding runs only
 * on the members that hold the embedding model). Small tasks handed out this way keep every
 * member busy to the end of a call, where one fixed share per member leaves a member idle
 * whenever its share happens to be lighter (the NLI cascade runs the pole hypotheses only for
 * some chunks).
 *
 * perMember 2 lets a member in another thread hold its next task already: it goes on from one to
 * the next without waiting for this thread to hand it out, which matters when this thread is busy
 * (the inline runner's PGlite runs its queries here, synchronously).
 */
export interface Scheduler<M> {
  /**
   * Runs `task` on the first free member `eligible` accepts; rejects at once when none ever would.
   * An urgent task goes before every waiting task (see rankOf).
   */
  run<R>(task: (member: M) => Promise<R>, eligible?: (member: M) => boolean, opts?: { urgent?: boolean }): Promise<R>;
}

interface Waiting<M> {
  task: (member: M) => Promise<unknown>;
  eligible: (member: M) => boolean;
  /** Which waiting tasks go first: lower first (rankOf). */
  rank: number;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export function createScheduler<M>(members: readonly M[], perMember = 1): Scheduler<M> {
  const held = new Map(members.map((m) => [m, 0]));
  const queue: Waiting<M>[] = [];
  // The least loaded member that takes the task, the last of equals: members are listed with the
  // most capable first (the ones with the embedding model), so a task anyone can run leaves those
  // free when it can.
  const pick = (eligible: (m: M) => boolean): M | undefined => {
    let best: M | undefined;
    for (const m of members) {
      const n = held.get(m) as number;
      if (n < perMember && eligible(m) && (best === undefined || n <= (held.get(best) as number))) best = m;
    }
    return best;
  };
  // Urgent tasks first: they feed the work that keeps every member busy (cutting the next
  // document into chunks), and queued behind the pieces of the current batch they would leave the
  // members idle between documents. Then tasks only some members can run (embedding, on the
  // member with the model): a member that takes a task anyone could run while such a task waits
  // leaves the others idle at the end of a call, the restricted tasks left to that one member.
  // Within a rank, first come first served.
  const rankOf = (urgent: boolean, eligible: (m: M) => boolean) => (urgent ? 0 : members.every(eligible) ? 2 : 1);
  const pump = () => {
    for (let rank = 0; rank <= 2; rank++) pumpRank(rank);
  };
  const pumpRank = (rank: number) => {
    for (let i = 0; i < queue.length; ) {
      const waiting = queue[i] as Waiting<M>;
      const member = waiting.rank === rank ? pick(waiting.eligible) : undefined;
      if (member === undefined) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      held.set(member, (held.get(member) as number) + 1);
      // A task that throws instead of rejecting still frees its place.
      void Promise.resolve()
        .then(() => waiting.task(member))
        .then(waiting.resolve, waiting.reject)
        .finally(() => {
          held.set(member, (held.get(member) as number) - 1);
          pump();
        });
    }
  };
  return {
    run<R>(task: (member: M) => Promise<R>, eligible: (member: M) => boolean = () => true, opts: { urgent?: boolean } = {}): Promise<R> {
      if (!members.some(eligible)) return Promise.reject(new Error('no member of the pool can run this task'));
      return new Promise<R>((resolve, reject) => {
        queue.push({ task, eligible, rank: rankOf(opts.urgent ?? false, eligible), resolve: resolve as (value: unknown) => void, reject });
        pump();
      });
    },
  };
}

/**
 * Runs `fn` over `items` in pieces of `pieceSize`, each piece on whichever member is free, and
 * returns the results in input order, whatever order the pieces finish in. The first failing
 * piece rejects the call; pieces not yet started are then skipped, pieces running finish.
 */
export async function inPieces<M, T, R>(
  scheduler: Scheduler<M>,
  items: T[],
  pieceSize: number,
  fn: (member: M, piece: T[]) => Promise<R[]>,
  eligible?: (member: M) => boolean,
): Promise<R[]> {
  const size = Math.max(1, Math.floor(pieceSize));
  let failed = false;
  const pieces: Promise<R[]>[] = [];
  for (let at = 0; at < items.length; at += size) {
    const piece = items.slice(at, at + size);
    const done = scheduler.run(async (member) => {
      if (failed) return [];
      const out = await fn(member, piece);
      if (out.length !== piece.length) throw new Error(`a piece of ${piece.length} returned ${out.length} results`);
      return out;
    }, eligible);
    done.catch(() => (failed = true));
    pieces.push(done);
  }
  return (await Promise.all(pieces)).flat();
}
