import { createRng } from '../stats/random.ts';

/**
 * Assigns each item a fold in 0..k-1 so that all items of a group (document) share a fold.
 * The groups are shuffled with the seed, then placed largest first (a stable sort keeps the
 * shuffled order among equal sizes), each into the fold with the fewest items so far: folds
 * of near-equal size, the same for the same seed, a different split for another seed.
 */
export function seededGroupFolds(groups: readonly string[], k: number, seed: number): number[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`k must be a whole number >= 2, got ${k}`);
  const sizes = new Map<string, number>();
  for (const g of groups) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  if (sizes.size < k) throw new Error(`cannot make ${k} folds from ${sizes.size} document(s): every fold needs at least one document`);
  // Sorted first so that the shuffle does not depend on the order the items came in.
  const unique = [...sizes.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rng = createRng(seed);
  for (let i = unique.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [unique[i], unique[j]] = [unique[j] as string, unique[i] as string];
  }
  unique.sort((a, b) => (sizes.get(b) as number) - (sizes.get(a) as number));
  const foldSizes = new Array<number>(k).fill(0);
  const foldOf = new Map<string, number>();
  for (const group of unique) {
    const fold = foldSizes.indexOf(Math.min(...foldSizes));
    foldOf.set(group, fold);
    foldSizes[fold] = (foldSizes[fold] ?? 0) + (sizes.get(group) as number);
  }
  return groups.map((g) => foldOf.get(g) as number);
}
