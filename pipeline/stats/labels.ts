import { StatsInputError } from './input.ts';

/** How many of a group's chunks carry one label, and their share of the group. */
export interface LabelCount {
  label: string;
  count: number;
  /** count / total; 0 for an empty group, where no share is meaningful. */
  share: number;
}

/**
 * A group's label distribution: one entry per label of `order`, in that order, zero counts kept so
 * groups line up. A label outside `order` is an upstream bug (a typo, another axis's label) and throws.
 */
export function labelDistribution(labels: readonly string[], order: readonly string[]): LabelCount[] {
  const index = new Map(order.map((label, i) => [label, i] as const));
  if (index.size !== order.length) throw new StatsInputError(`label order has duplicates: ${order.join(', ')}`);
  const counts = new Array<number>(order.length).fill(0);
  labels.forEach((label, i) => {
    const at = index.get(label);
    if (at === undefined) throw new StatsInputError(`label[${i}] is "${label}", not one of: ${order.join(', ')}`);
    counts[at] = (counts[at] ?? 0) + 1;
  });
  const total = labels.length;
  return order.map((label, i) => {
    const count = counts[i] ?? 0;
    return { label, count, share: total === 0 ? 0 : count / total };
  });
}
