import { knownScorerNames, SCORERS } from '../app/scorers/index.ts';

/** The --scorer help of query commands: the known names and how the default is chosen. */
export function scorerOptionHelp(): string {
  return `scorer: ${knownScorerNames(SCORERS)} (default: STANCE_SCORER, else the best one with scores: nli > prototype > the model-free scorer with the best recorded dev CV macro-F1 > lexicon)`;
}

/** Why a passage got its label, from a score's details (label probabilities, matched terms); '' when there are none. */
export function describeDetails(details: Record<string, unknown> | null | undefined): string {
  const probs = details?.label_probabilities;
  if (probs && typeof probs === 'object') {
    // A trained model or ensemble: its four label probabilities (and each member's label).
    // Most probable first (the store does not keep key order).
    const p = Object.entries(probs as Record<string, number>).sort((x, y) => Number(y[1]) - Number(x[1]) || x[0].localeCompare(y[0])).map(([label, v]) => `${label} ${Number(v).toFixed(2)}`);
    const members = details.member_labels && typeof details.member_labels === 'object' ? Object.entries(details.member_labels as Record<string, string>).map(([m, l]) => `${m} ${l}`) : [];
    const why = `label probabilities: ${p.join(', ')}${members.length > 0 ? `; member labels: ${members.join(', ')}` : ''}`;
    const terms = describeTerms(details.terms);
    return terms ? `${why}\n  ${terms}` : why;
  }
  return describeTerms(details?.terms);
}

function describeTerms(terms: unknown): string {
  if (!Array.isArray(terms) || terms.length === 0) return '';
  const parts = terms.map((t: { term?: unknown; pole?: unknown; count?: unknown; negated?: unknown }) => {
    const count = Number(t.count ?? 1);
    const negated = Number(t.negated ?? 0);
    const times = count > 1 ? ` x${count}` : '';
    const neg = negated > 0 ? (negated === count ? ', negated' : `, ${negated} negated`) : '';
    return `"${String(t.term)}" (${String(t.pole)}${times}${neg})`;
  });
  return `matched terms: ${parts.join(', ')}`;
}
