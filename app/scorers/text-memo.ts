/**
 * Results per text of the last few hundred texts of a run. A batch meets the same texts several
 * times: an ensemble re-runs its members (the lexicon, a trained model) on the chunks those
 * scorers have just scored, and that work is on the main thread, beside the inference threads.
 * Bounded, so a worker that runs for days does not keep every text it has seen.
 */
export class TextMemo<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity = 512) {}

  /** compute(texts) for the texts not remembered, in one call; the results of all, in order. */
  through(texts: readonly string[], compute: (texts: string[]) => V[]): V[] {
    const found = new Map<string, V>();
    for (const t of texts) if (this.entries.has(t)) found.set(t, this.entries.get(t) as V);
    const todo = [...new Set(texts.filter((t) => !found.has(t)))];
    if (todo.length > 0) {
      const computed = compute(todo);
      todo.forEach((t, i) => {
        found.set(t, computed[i] as V);
        this.remember(t, computed[i] as V);
      });
    }
    return texts.map((t) => found.get(t) as V);
  }

  private remember(text: string, value: V): void {
    this.entries.delete(text);
    this.entries.set(text, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** One memo per owner object (a run's StepContext, a trained artifact), made on first use. */
export function memoOf<V>(memos: WeakMap<object, TextMemo<V>>, owner: object): TextMemo<V> {
  let memo = memos.get(owner);
  if (!memo) memos.set(owner, (memo = new TextMemo<V>()));
  return memo;
}
