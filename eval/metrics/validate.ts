/** Error raised when metric inputs do not line up or use labels outside the given list. */
export class MetricInputError extends Error {
  override name = 'MetricInputError';
}

/**
 * Checks that gold and predicted align and use only the given labels; returns label -> index.
 * A stray label is a bug upstream (a typo, another axis's label), so it fails loudly instead
 * of being counted nowhere.
 */
export function indexLabels(
  gold: readonly string[],
  predicted: readonly string[],
  labels: readonly string[],
): Map<string, number> {
  if (gold.length !== predicted.length) {
    throw new MetricInputError(`gold has ${gold.length} labels but predicted has ${predicted.length}`);
  }
  const index = new Map(labels.map((label, i) => [label, i] as const));
  if (index.size !== labels.length) throw new MetricInputError(`label list has duplicates: ${labels.join(', ')}`);
  for (const [name, values] of [['gold', gold], ['predicted', predicted]] as const) {
    values.forEach((value, i) => {
      if (!index.has(value)) {
        throw new MetricInputError(`${name}[${i}] is "${value}", not one of: ${labels.join(', ')}`);
      }
    });
  }
  return index;
}

/** a / b, with 0/0 taken as 0 (the convention for precision, recall and F1 of empty classes). */
export function ratioOrZero(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}
