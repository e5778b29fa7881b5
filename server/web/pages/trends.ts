import { runCompare } from '../../../app/compare/service.ts';
import { trendChart, type TrendPoint } from '../charts.ts';
import { formChoices, type WebDeps } from '../deps.ts';
import { sourceYears } from '../documents-list.ts';
import { PageError } from '../errors.ts';
import { html, type Html } from '../html.ts';
import { interval, layout, notice, num, page, selectField } from '../layout.ts';

/** A source's position over time (by the year of its documents' dates) on each axis, with intervals. */
export async function trendsPage(deps: WebDeps, query: Record<string, string[]>): Promise<Html> {
  const { env } = deps;
  const q = (name: string) => query[name]?.find((v) => v.trim() !== '')?.trim();
  const choices = await formChoices(env);
  const source = q('source') ?? choices.sources[0];
  const scorer = q('scorer');
  if (scorer !== undefined && !choices.scorers.includes(scorer)) throw new PageError(400, `unknown or unscored scorer "${scorer}"; scorers with scores: ${choices.scorers.join(', ')}`);
  if (source !== undefined && !choices.sources.includes(source)) throw new PageError(404, `unknown source "${source}"; the sources are ${choices.sources.join(', ')}`);
  const form = html`<form class="filters" method="get" action="${page('trends')}" data-autosubmit>
<label>Source ${selectField('source', choices.sources, source)}</label>
<label>Scorer ${selectField('scorer', choices.scorers, scorer, `default${choices.defaultScorer ? ` (${choices.defaultScorer})` : ''}`)}</label>
<button type="submit">Apply</button></form>`;
  if (source === undefined) return layout({ title: 'Trends', current: 'trends', body: html`${form}${notice('info', 'no documents yet')}` });

  const years = await sourceYears(env.db, source);
  const sections: Html[] = [];
  for (const axis of env.axes) {
    const points: TrendPoint[] = [];
    let scorerKey = '';
    for (const year of years) {
      const [c] = await runCompare(env, { axis: axis.slug, sources: [source], dateFrom: year, dateTo: year, ...(scorer !== undefined && { scorer }) });
      const g = c?.groups[0];
      scorerKey = c?.scorer ?? scorerKey;
      points.push({ period: year, position: g?.position ?? null, ci: g?.ci ?? null, n_relevant: g?.n_relevant ?? 0 });
    }
    const poles: [string, string] = [axis.poles[0].slug, axis.poles[1].slug];
    sections.push(html`<section class="trend" data-axis="${axis.slug}"><h2>${axis.slug} <small>(−1 = ${poles[0]}, +1 = ${poles[1]}${scorerKey ? `; scorer ${scorerKey}` : ''})</small></h2>
${points.length ? trendChart(points, poles, `${source} on ${axis.slug} by year`) : ''}
<table class="data"><thead><tr><th scope="col">year</th><th scope="col">position</th><th scope="col">95% interval</th><th scope="col">relevant chunks</th></tr></thead>
<tbody>${points.map((p) => html`<tr><th scope="row">${p.period}</th><td class="num">${num(p.position)}</td><td class="num">${interval(p.ci)}</td><td class="num">${p.n_relevant}</td></tr>`)}</tbody></table></section>`);
  }
  const body = html`${form}
<p>Each year pools the chunks of ${source}'s documents dated that year (undated documents are left out). ${years.length === 0 ? '' : `${years.length} year(s): ${years.join(', ')}.`}</p>
${years.length === 0 ? notice('info', `${source} has no dated documents`) : sections}`;
  return layout({ title: `Trends: ${source}`, current: 'trends', body, scripts: ['filters.js'] });
}
