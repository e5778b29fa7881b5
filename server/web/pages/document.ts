import { findAxisIds, findConfiguredScorer, NothingScoredError } from '../../../app/lookup.ts';
import { allScorerRefs, defaultScorerName } from '../../../app/scorers/index.ts';
import { redactSecrets } from '../../../pipeline/redact.ts';
import { documentDetails } from '../../documents.ts';
import { ID_RANGE, parseRowId } from '../../../app/compare/selection.ts';
import type { WebDeps } from '../deps.ts';
import { documentChunks, type ChunkScores } from '../documents-list.ts';
import { PageError } from '../errors.ts';
import { highlightTerms, matchedTerms } from '../highlight.ts';
import { html, type Html } from '../html.ts';
import { layout, link, num, page } from '../layout.ts';

/** A document: its metadata and status, and its chunks with every scorer's label and score on every axis. */
export async function documentPage(deps: WebDeps, rawId: string, query: Record<string, string[]>): Promise<Html> {
  const { env } = deps;
  const id = parseRowId(rawId);
  if (id === undefined) throw new PageError(400, `document id must be ${ID_RANGE}, got "${rawId}"`);
  const doc = await documentDetails(env, id);
  if (!doc) throw new PageError(404, `document ${id} does not exist`);

  // The scorer versions the queries read, by name; scorers with nothing stored are left out.
  const scorerIds = new Map<number, string>();
  for (const { ref } of await allScorerRefs(env.db)) {
    try {
      scorerIds.set((await findConfiguredScorer(env.db, env.config, ref.name)).id, ref.name);
    } catch (err) {
      if (!(err instanceof NothingScoredError)) throw err;
    }
  }
  let axisIds = new Map<number, string>();
  try {
    axisIds = new Map([...(await findAxisIds(env.db, env.axes)).entries()].map(([slug, axisId]) => [axisId, slug]));
  } catch (err) {
    if (!(err instanceof NothingScoredError)) throw err;
  }
  const chunks = await documentChunks(env.db, id, scorerIds, axisIds);
  const scorerNames = [...scorerIds.values()];
  const pick = (name: string) => query[name]?.find((v) => v !== '');
  const hlScorer = pick('scorer') ?? (await defaultScorerName(env.db, env.config)) ?? scorerNames[0];
  const hlAxis = env.axes.find((a) => a.slug === pick('axis')) ?? env.axes[0];

  const meta: [string, string | number | null][] = [
    ['source', doc.source],
    ['actor', doc.actor],
    ['actor type', doc.actor_type],
    ['date', doc.date],
    ['language', doc.language],
    ['kind', doc.kind],
    ['file', doc.file_name],
    ['format', doc.format],
    ['bytes', doc.bytes],
    ['added', doc.created_at],
  ];
  const body = html`<dl class="meta-list">${meta.filter(([, v]) => v !== null && v !== '').map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}
${doc.url && /^https?:\/\//i.test(doc.url) ? html`<div><dt>link</dt><dd><a href="${doc.url}" rel="noopener noreferrer">${doc.url}</a></dd></div>` : ''}
<div><dt>status</dt><dd><span class="status status-${doc.status}">${doc.status}</span></dd></div></dl>
${doc.error ? html`<p class="notice error">${redactSecrets(doc.error)}</p>` : ''}
<form class="filters" method="get" action="${page(`documents/${id}`)}" data-autosubmit>
<label>Colour chunks by scorer <select name="scorer">${scorerNames.map((s) => html`<option value="${s}"${s === hlScorer ? html` selected` : ''}>${s}</option>`)}</select></label>
<label>on axis <select name="axis">${env.axes.map((a) => html`<option value="${a.slug}"${a.slug === hlAxis?.slug ? html` selected` : ''}>${a.slug}</option>`)}</select></label>
<button type="submit">Apply</button>
${hlAxis ? html`<span class="legend"><span class="chunk-key label-a">${hlAxis.poles[0].slug}</span> <span class="chunk-key label-b">${hlAxis.poles[1].slug}</span> <span class="chunk-key label-neutral">neutral</span> <span class="chunk-key label-irrelevant">irrelevant</span>; <mark>marked</mark>: lexicon terms</span>` : ''}
</form>
<h2>Chunks (${chunks.length})</h2>
${chunks.length === 0 ? html`<p>No chunks yet: the document is ${doc.status}.</p>` : chunks.map((c) => chunkView(c, env.axes.map((a) => a.slug), scorerNames, hlScorer, hlAxis))}`;
  return layout({ title: doc.title ?? `Document ${id}`, current: 'documents', body, scripts: ['filters.js'] });
}

function chunkView(c: ChunkScores, axes: string[], scorers: string[], hlScorer: string | undefined, hlAxis: { slug: string; poles: readonly [{ slug: string }, { slug: string }] } | undefined): Html {
  const hl = hlScorer && hlAxis ? c.scores[hlScorer]?.[hlAxis.slug] : undefined;
  const cls = !hl || !hlAxis ? '' : hl.label === hlAxis.poles[0].slug ? 'label-a' : hl.label === hlAxis.poles[1].slug ? 'label-b' : hl.label === 'neutral' ? 'label-neutral' : 'label-irrelevant';
  const terms = Object.values(c.scores).flatMap((perAxis) => Object.values(perAxis).flatMap((s) => matchedTerms(s.details)));
  return html`<article class="chunk ${cls}" id="chunk-${c.id}"><header><strong>#${c.seq + 1}</strong> <small>chunk ${c.id} · <a href="${link('similar', { chunk: c.id })}">similar passages</a></small></header>
<div class="chunk-text">${highlightTerms(c.text, terms)}</div>
${scorers.length === 0 ? html`<p class="meta">no scores yet</p>` : html`<table class="data compact"><thead><tr><th scope="col">scorer</th>${axes.map((a) => html`<th scope="col">${a}</th>`)}</tr></thead><tbody>${scorers.map(
    (s) => html`<tr><th scope="row">${s}</th>${axes.map((a) => {
      const x = c.scores[s]?.[a];
      return html`<td>${x ? html`<strong>${x.label}</strong> <small>score ${num(x.score, 2)}, relevance ${num(x.relevance, 2)}</small>` : '–'}</td>`;
    })}</tr>`,
  )}</tbody></table>`}
</article>`;
}
