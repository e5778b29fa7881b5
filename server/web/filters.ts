import type { z } from 'zod';
import type { compareParams } from '../../app/compare/service.ts';
import { GROUP_BY } from '../../app/compare/selection.ts';
import { compareQuery, readQuery } from '../params.ts';
import { describeIssues } from '../../pipeline/issues.ts';
import { html, type Html } from './html.ts';

/** The filters of the map, compare and trends pages, as they appear in the URL. */
export const FILTER_PARAMS = ['scorer', 'by', 'sources', 'from', 'to', 'lang'] as const;

export type ViewFilters = z.output<typeof compareParams>;

/** The URL's filters validated like GET /compare validates them; empty form fields count as absent. */
export function readFilters(query: Record<string, string[]>): { ok: true; value: ViewFilters } | { ok: false; message: string } {
  const picked: Record<string, string[]> = {};
  for (const name of FILTER_PARAMS) {
    const values = (query[name] ?? []).filter((v) => v.trim() !== '');
    if (values.length) picked[name] = values;
  }
  const r = readQuery(compareQuery, picked);
  return r.ok ? { ok: true, value: r.value } : { ok: false, message: `invalid filters: ${describeIssues(r.issues)}` };
}

/** The filters as URL parameters (for links that keep the current view). */
export function filterLinkParams(f: ViewFilters): Record<string, string | readonly string[] | undefined> {
  return { scorer: f.scorer, by: f.by === 'source' ? undefined : f.by, sources: f.sources, from: f.dateFrom, to: f.dateTo, lang: f.language };
}

/**
 * The filter form: a GET form, so every change is in the URL (shareable, survives a reload) and
 * it works without JavaScript; filters.js submits it on change.
 */
export function filterForm(opts: {
  action: string;
  filters: ViewFilters;
  sources: string[];
  scorers: string[];
  defaultScorer: string | null;
  /** Page parameters kept across a filter change (chosen axes, ...). */
  hidden?: Record<string, string | undefined>;
  /** Extra controls of the page (axis selects). */
  extra?: Html;
  showBy?: boolean;
}): Html {
  const f = opts.filters;
  const chosen = new Set(f.sources ?? []);
  return html`<form class="filters" method="get" action="${opts.action}" data-autosubmit>
<fieldset><legend>Sources</legend>${opts.sources.map(
    (s) => html`<label><input type="checkbox" name="sources" value="${s}"${chosen.has(s) ? html` checked` : ''}> ${s}</label>`,
  )}<small>none checked: all</small></fieldset>
<label>From <input name="from" value="${f.dateFrom ?? ''}" placeholder="YYYY[-MM[-DD]]" size="11" pattern="\\d{4}(-\\d{2}(-\\d{2})?)?"></label>
<label>To <input name="to" value="${f.dateTo ?? ''}" placeholder="YYYY[-MM[-DD]]" size="11" pattern="\\d{4}(-\\d{2}(-\\d{2})?)?"></label>
<label>Language <input name="lang" value="${f.language ?? ''}" placeholder="en" size="4"></label>
<label>Scorer <select name="scorer"><option value="">default${opts.defaultScorer ? ` (${opts.defaultScorer})` : ''}</option>${opts.scorers.map(
    (s) => html`<option value="${s}"${s === f.scorer ? html` selected` : ''}>${s}</option>`,
  )}</select></label>
${opts.showBy === false ? '' : html`<label>Group by <select name="by">${GROUP_BY.map((b) => html`<option value="${b}"${b === f.by ? html` selected` : ''}>${b}</option>`)}</select></label>`}
${opts.extra ?? ''}
${Object.entries(opts.hidden ?? {}).map(([k, v]) => (v === undefined ? '' : html`<input type="hidden" name="${k}" value="${v}">`))}
<button type="submit">Apply</button>
</form>`;
}
