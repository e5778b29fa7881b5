import { html, type Html } from './html.ts';

/** A term the lexicon matched, as stored in a score's details. */
export interface MatchedTerm {
  term: string;
  pole: string;
}

/** The matched terms of a score's details (the lexicon scorer's), else none. */
export function matchedTerms(details: Record<string, unknown> | null | undefined): MatchedTerm[] {
  const terms = details?.['terms'];
  if (!Array.isArray(terms)) return [];
  return terms.flatMap((t: unknown) => {
    const o = t as { term?: unknown; pole?: unknown };
    return typeof o.term === 'string' && typeof o.pole === 'string' ? [{ term: o.term, pole: o.pole }] : [];
  });
}

/**
 * The text with each occurrence of the terms (case-insensitive, not inside a longer word) marked
 * with its pole; every part escaped.
 */
export function highlightTerms(text: string, terms: readonly MatchedTerm[]): Html {
  const spans: { start: number; end: number; pole: string }[] = [];
  const lower = text.toLowerCase();
  for (const { term, pole } of terms) {
    const t = term.toLowerCase();
    if (!t) continue;
    for (let at = lower.indexOf(t); at !== -1; at = lower.indexOf(t, at + t.length)) {
      const before = lower[at - 1];
      const after = lower[at + t.length];
      if ((before && /[\p{L}\p{N}]/u.test(before)) || (after && /[\p{L}\p{N}]/u.test(after))) continue;
      if (!spans.some((s) => at < s.end && s.start < at + t.length)) spans.push({ start: at, end: at + t.length, pole });
    }
  }
  spans.sort((a, b) => a.start - b.start);
  const parts: Html[] = [];
  let pos = 0;
  for (const s of spans) {
    parts.push(html`${text.slice(pos, s.start)}<mark class="pole-${s.pole}" title="${s.pole}">${text.slice(s.start, s.end)}</mark>`);
    pos = s.end;
  }
  parts.push(html`${text.slice(pos)}`);
  return html`${parts}`;
}
