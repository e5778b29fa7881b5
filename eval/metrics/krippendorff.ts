import { MetricInputError } from './validate.ts';

/** A coder's value for one unit; null or undefined means the coder did not code it. */
export type MaybeLabel = string | null | undefined;

/**
 * Krippendorff's alpha for nominal data and two coders: 1 - (n - 1) * D / E, where over the
 * coincidence matrix D = sum of off-diagonal coincidences and E = sum over c != k of n_c * n_k.
 * Units that lack a value from either coder cannot be paired and are dropped, as the method
 * prescribes. Degenerate cases return NaN: no pairable unit, or a single value used throughout
 * (E = 0, no variation, so alpha is 0/0; Krippendorff calls it undefined there).
 */
export function krippendorffAlphaNominal(coderA: readonly MaybeLabel[], coderB: readonly MaybeLabel[]): number {
  if (coderA.length !== coderB.length) {
    throw new MetricInputError(`coder A has ${coderA.length} units but coder B has ${coderB.length}`);
  }
  // With two coders each pairable unit adds 1/(m_u - 1) = 1 to o[a][b] and to o[b][a].
  const valueTotals = new Map<string, number>();
  let disagreements = 0; // sum of off-diagonal coincidences
  let n = 0; // number of pairable values = 2 * pairable units
  coderA.forEach((a, i) => {
    const b = coderB[i];
    if (a == null || b == null) return;
    n += 2;
    if (a !== b) disagreements += 2;
    valueTotals.set(a, (valueTotals.get(a) ?? 0) + 1);
    valueTotals.set(b, (valueTotals.get(b) ?? 0) + 1);
  });
  if (n === 0) return Number.NaN;
  const totals = [...valueTotals.values()];
  const sumOfSquares = totals.reduce((s, t) => s + t * t, 0);
  const expected = n * n - sumOfSquares; // sum over c != k of n_c * n_k
  if (expected === 0) return Number.NaN;
  return 1 - ((n - 1) * disagreements) / expected;
}
