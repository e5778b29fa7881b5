import { runCompare, runEvidence } from '../../../app/compare/service.ts';
import { mapGroups } from '../../../app/compare/map.ts';
import type { Comparison } from '../../../app/compare/compare.ts';
import type { EvidencePassage } from '../../../app/compare/evidence.ts';
import type { Axis } from '../../../pipeline/axes.ts';
import { renderStanceMapSvg } from '../../../pipeline/map-svg.ts';
import type { WebDeps } from '../deps.ts';
import { formChoices } from '../deps.ts';
import { PageError } from '../errors.ts';
import { filterForm, filterLinkParams, readFilters, type ViewFilters } from '../filters.ts';
import { highlightTerms, matchedTerms } from '../highlight.ts';
import { html, trusted, type Html } from '../html.ts';
import { interval, layout, link, notice, num, page } from '../layout.ts';

const EVIDENCE_PER_POLE = 3;
// Characters of a quote shown before it folds (the whole quote opens on a click).
const QUOTE_FOLD = 420;

/** The stance map: groups on two axes with interval whiskers; a selected group's positions, labels and evidence. */
export async function mapPage(deps: WebDeps, query: Record<string, string[]>): Promise<Html> {
  const { env } = deps;
  const f = readFilters(query);
  if (!f.ok) throw new PageError(400, f.message);
  const filters = f.value;
  const axisParam = (name: string) => query[name]?.find((v) => v !== '');
  const x = pickAxis(env.axes, axisParam('x'), undefined);
  const y = pickAxis(env.axes, axisParam('y'), x.slug);
  const selected = axisParam('select');
  const choices = await formChoices(env);
  const base = { ...filterLinkParams(filters), x: x.slug, y: y.slug };
  const axisSelect = (name: string, current: Axis) =>
    html`<label>${name} axis <select name="${name}">${env.axes.map((a) => html`<option value="${a.slug}"${a.slug === current.slug ? html` selected` : ''}>${a.label ?? a.slug}</option>`)}</select></label>`;
  const form = filterForm({ action: page('map'), filters, ...choices, extra: html`${axisSelect('x', x)}${axisSelect('y', y)}` });

  const [cx] = await runCompare(env, { ...filters, axis: x.slug });
  const [cy] = await runCompare(env, { ...filters, axis: y.slug });
  if (!cx || !cy) throw new PageError(400, 'nothing to draw');
  const groups = mapGroups(cx, cy).map((g) => ({
    ...g,
    href: link('map', { ...base, select: g.key }),
    tooltip: [cx, cy]
      .map((c) => {
        const p = c.groups.find((k) => k.key === g.key);
        return p ? `${c.axis}: ${num(p.position)} ${interval(p.ci)}, ${p.n_relevant}/${p.n_chunks} relevant; ${Object.entries(p.labels).map(([l, n]) => `${l} ${n}`).join(', ')}` : `${c.axis}: no scores`;
      })
      .join('\n'),
    selected: g.key === selected,
  }));
  const svg = renderStanceMapSvg({
    x: { slug: x.slug, poleA: x.poles[0].label, poleB: x.poles[1].label },
    y: { slug: y.slug, poleA: y.poles[0].label, poleB: y.poles[1].label },
    groups,
    note: `scorer ${cx.scorer}; whiskers: 95% intervals; n: relevant chunks. Select a point for its evidence.`,
    title: `Positions by ${filters.by}`,
  });
  const detail = selected === undefined ? notice('info', 'Select a point (click it, or Tab to it and press Enter) to see its positions, labels and evidence.') : await groupDetail(deps, filters, [cx, cy], selected);
  const body = html`${form}
<div class="map-layout"><figure class="map" aria-label="stance map">${trusted(svg)}</figure>
<section class="detail" aria-live="polite">${detail}</section></div>
<h2>Groups</h2>${groupsTable([cx, cy], selected, (key) => link('map', { ...base, select: key }))}`;
  return layout({ title: 'Stance map', current: 'map', body, scripts: ['filters.js'] });
}

/** The axis named, or the first one that is not `other`; a clear error for an unknown slug. */
function pickAxis(axes: readonly Axis[], slug: string | undefined, other: string | undefined): Axis {
  if (slug !== undefined) {
    const a = axes.find((ax) => ax.slug === slug);
    if (!a) throw new PageError(400, `unknown axis "${slug}"; the axes are ${axes.map((ax) => ax.slug).join(', ')}`);
    return a;
  }
  const a = axes.find((ax) => ax.slug !== other) ?? axes[0];
  if (!a) throw new PageError(409, 'no axes are configured');
  return a;
}

/** One row per group, positions on both axes: the map as a table (readable without the picture). */
function groupsTable(comparisons: Comparison[], selected: string | undefined, hrefOf: (key: string) => string): Html {
  const keys = [...new Set(comparisons.flatMap((c) => c.groups.map((g) => g.key)))];
  return html`<table class="data"><thead><tr><th scope="col">group</th>${comparisons.map((c) => html`<th scope="col">${c.axis}</th><th scope="col">95% interval</th><th scope="col">relevant / chunks</th>`)}</tr></thead><tbody>${keys.map(
    (key) => html`<tr${key === selected ? html` class="selected"` : ''}><th scope="row"><a href="${hrefOf(key)}">${key}</a></th>${comparisons.map((c) => {
      const g = c.groups.find((x) => x.key === key);
      return html`<td class="num">${num(g?.position)}</td><td class="num">${interval(g?.ci)}</td><td class="num">${g ? `${g.n_relevant} / ${g.n_chunks}` : '–'}</td>`;
    })}</tr>`,
  )}</tbody></table>`;
}

/** A selected group: position and label distribution on each axis, and its strongest evidence per pole. */
async function groupDetail(deps: WebDeps, filters: ViewFilters, comparisons: Comparison[], key: string): Promise<Html> {
  const present = comparisons.some((c) => c.groups.some((g) => g.key === key));
  if (!present) return notice('error', `no group "${key}" in this view`);
  const parts: Html[] = [html`<h2>${key}</h2>`];
  for (const c of comparisons) {
    const g = c.groups.find((x) => x.key === key);
    if (!g) {
      parts.push(html`<h3>${c.axis}</h3><p>no scores on this axis</p>`);
      continue;
    }
    const total = Object.values(g.labels).reduce((s, n) => s + n, 0);
    parts.push(html`<h3>${c.axis}</h3>
<p>position <strong>${num(g.position)}</strong> ${interval(g.ci)} (−1 = ${c.poles[0]}, +1 = ${c.poles[1]}); ${g.n_relevant} relevant of ${g.n_chunks} chunks</p>
<table class="data compact"><caption>labels</caption><tbody>${Object.entries(g.labels).map(
      ([label, n]) => html`<tr><th scope="row">${label}</th><td class="num">${n}</td><td><span class="bar" style="width:${total ? Math.round((100 * n) / total) : 0}px"></span></td></tr>`,
    )}</tbody></table>`);
  }
  if (filters.by !== 'source') {
    parts.push(notice('info', 'Evidence quotes are shown for sources: group by source to see them.'));
    return html`${parts}`;
  }
  for (const c of comparisons) {
    for (const pole of c.poles) {
      const ev = await runEvidence(deps.env, { source: key, axis: c.axis, pole, scorer: filters.scorer, limit: EVIDENCE_PER_POLE });
      parts.push(html`<h3>Evidence: ${c.axis} / ${pole}</h3>${ev.passages.length === 0 ? html`<p>no passage labelled ${pole}</p>` : evidenceList(ev.passages)}`);
    }
  }
  return html`${parts}`;
}

/** Quoted passages with title, date, link, score and (lexicon) matched terms. */
export function evidenceList(passages: readonly EvidencePassage[]): Html {
  return html`<ol class="evidence">${passages.map((p) => {
    const terms = matchedTerms(p.details);
    // Long chunks fold after their start, so the evidence of both poles fits beside the map.
    const quote =
      p.quote.length <= QUOTE_FOLD
        ? html`<blockquote class="quote">${highlightTerms(p.quote, terms)}</blockquote>`
        : html`<details class="quote-fold"><summary><blockquote class="quote">${highlightTerms(`${p.quote.slice(0, QUOTE_FOLD)}…`, terms)}</blockquote></summary><blockquote class="quote full">${highlightTerms(p.quote, terms)}</blockquote></details>`;
    return html`<li>${quote}
<p class="meta"><a href="${page(`documents/${p.document_id}`)}#chunk-${p.chunk_id}">${p.title ?? `document ${p.document_id}`}</a>${p.date ? html`, ${p.date}` : ''}${
      p.url && /^https?:\/\//i.test(p.url) ? html` · <a href="${p.url}" rel="noopener noreferrer">source link</a>` : ''
    } · score ${num(p.score, 2)}, relevance ${num(p.relevance, 2)}${terms.length ? html` · matched terms: ${terms.map((t) => `“${t.term}” (${t.pole})`).join(', ')}` : ''}</p></li>`;
  })}</ol>`;
}
