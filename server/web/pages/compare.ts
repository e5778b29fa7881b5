import type { Comparison } from '../../../app/compare/compare.ts';
import { runCompare } from '../../../app/compare/service.ts';
import { intervalChart } from '../charts.ts';
import { formChoices, type WebDeps } from '../deps.ts';
import { PageError } from '../errors.ts';
import { filterForm, readFilters } from '../filters.ts';
import { html, type Html } from '../html.ts';
import { interval, layout, notice, num, page, pValue } from '../layout.ts';

/** Groups by axes with positions and intervals, and every pairwise difference; filters in the URL. */
export async function comparePage(deps: WebDeps, query: Record<string, string[]>): Promise<Html> {
  const { env } = deps;
  const f = readFilters(query);
  if (!f.ok) throw new PageError(400, f.message);
  const filters = f.value;
  const axis = query['axis']?.find((v) => v !== '');
  if (axis !== undefined && !env.axes.some((a) => a.slug === axis)) throw new PageError(400, `unknown axis "${axis}"; the axes are ${env.axes.map((a) => a.slug).join(', ')}`);
  const choices = await formChoices(env);
  const axisSelect = html`<label>Axis <select name="axis"><option value="">all axes</option>${env.axes.map(
    (a) => html`<option value="${a.slug}"${a.slug === axis ? html` selected` : ''}>${a.label ?? a.slug}</option>`,
  )}</select></label>`;
  const comparisons = await runCompare(env, { ...filters, ...(axis !== undefined && { axis }) });
  const body = html`${filterForm({ action: page('compare'), filters, ...choices, extra: axisSelect })}
${comparisons.map(comparisonSection)}`;
  return layout({ title: 'Compare', current: 'compare', body, scripts: ['filters.js'] });
}

function comparisonSection(c: Comparison): Html {
  const labels = Object.keys(c.groups[0]?.labels ?? {});
  return html`<section class="comparison" data-axis="${c.axis}">
<h2>${c.axis} <small>(−1 = ${c.poles[0]}, +1 = ${c.poles[1]}; scorer ${c.scorer}; by ${c.by})</small></h2>
${c.groups.length === 0 ? notice('info', 'no scored chunks match these filters') : intervalChart(c.groups.map((g) => ({ label: g.key, position: g.position, ci: g.ci })), c.poles, `${c.axis}: positions with 95% intervals`)}
<table class="data groups"><caption>Positions (relevance-weighted mean score, 95% interval)</caption>
<thead><tr><th scope="col">${c.by}</th><th scope="col">position</th><th scope="col">95% interval</th><th scope="col">chunks</th><th scope="col">relevant</th>${labels.map((l) => html`<th scope="col">${l}</th>`)}</tr></thead>
<tbody>${c.groups.map(
    (g) => html`<tr><th scope="row">${g.key}</th><td class="num">${num(g.position)}</td><td class="num">${interval(g.ci)}</td><td class="num">${g.n_chunks}</td><td class="num">${g.n_relevant}</td>${labels.map((l) => html`<td class="num">${g.labels[l] ?? 0}</td>`)}</tr>`,
  )}</tbody></table>
${c.pairs_omitted ? notice('info', c.pairs_omitted) : ''}
${c.pairs.length ? html`<table class="data pairs"><caption>Pairwise differences (a − b)</caption>
<thead><tr><th scope="col">a</th><th scope="col">b</th><th scope="col">difference</th><th scope="col">95% interval</th><th scope="col">p</th></tr></thead>
<tbody>${c.pairs.map((p) =>
    p.status === 'ok'
      ? html`<tr><td>${p.a}</td><td>${p.b}</td><td class="num">${num(p.diff)}</td><td class="num">${interval(p.ci)}</td><td class="num">${pValue(p.p)}</td></tr>`
      : html`<tr><td>${p.a}</td><td>${p.b}</td><td colspan="3">too few relevant chunks (${p.n_relevant[0]} and ${p.n_relevant[1]}; at least ${p.min_relevant} each)</td></tr>`,
  )}</tbody></table>` : ''}
</section>`;
}
