/**
 * The minimal view of an axis that evaluation needs. Axes are data (loaded elsewhere), so
 * nothing in eval/ may assume particular slugs or poles; any richer axis type fits this shape.
 */
export interface EvalAxis {
  slug: string;
  poles: readonly [string, string];
}

/** Label for a passage that takes both poles, or neither, while still being about the axis. */
export const NEUTRAL = 'neutral';
/** Label for a passage that does not speak to the axis at all. */
export const IRRELEVANT = 'irrelevant';

/** The four labels of an axis in canonical order: pole A, pole B, neutral, irrelevant. */
export function axisLabels(axis: EvalAxis): string[] {
  const [a, b] = axis.poles;
  // A pole spelled like a reserved label (or like the other pole) would make labels ambiguous.
  const labels = [a, b, NEUTRAL, IRRELEVANT];
  if (new Set(labels).size !== labels.length) {
    throw new Error(`axis ${axis.slug}: poles must differ from each other and from "${NEUTRAL}" and "${IRRELEVANT}" (got ${a}, ${b})`);
  }
  return labels;
}
