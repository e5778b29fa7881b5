import { DOCUMENT_STATUSES } from '../../../db/schema/index.ts';
import { documentStatus } from '../../../app/status.ts';
import { redactSecrets } from '../../../pipeline/redact.ts';
import type { WebDeps } from '../deps.ts';
import { listDocuments, type DocumentRow } from '../../../app/documents.ts';
import { html, type Html } from '../html.ts';
import { layout, link, page } from '../layout.ts';

const PAGE_SIZE = 50;

/** The documents with status and progress (refreshing while any is unfinished), and the form to add one. */
export async function documentsPage(deps: WebDeps, query: Record<string, string[]>): Promise<Html> {
  const source = query['source']?.find((v) => v !== '');
  const offset = Math.max(0, Math.floor(Number(query['offset']?.[0] ?? 0)) || 0);
  const [list, bySource] = await Promise.all([listDocuments(deps.env.db, { ...(source !== undefined && { sources: [source] }), limit: PAGE_SIZE, offset, newest_first: true }), documentStatus(deps.env.db)]);
  const sources = bySource.map((s) => s.source);
  const body = html`<section aria-labelledby="summary-h"><h2 id="summary-h">By source</h2>
<table class="data" id="summary"><thead><tr><th scope="col">source</th><th scope="col">documents</th>${DOCUMENT_STATUSES.map((s) => html`<th scope="col">${s}</th>`)}</tr></thead>
<tbody>${bySource.map((s) => html`<tr><th scope="row"><a href="${link('documents', { source: s.source })}">${s.source}</a></th><td class="num">${s.total}</td>${DOCUMENT_STATUSES.map((st) => html`<td class="num">${s.by_status[st]}</td>`)}</tr>`)}</tbody></table></section>
<section aria-labelledby="list-h"><h2 id="list-h">Documents${source !== undefined ? html` of ${source} <small>(<a href="${page('documents')}">all sources</a>)</small>` : ''}</h2>
<p id="refresh-note" class="meta" aria-live="polite"></p>
${documentsTable(list.documents)}
<div class="pager" id="documents-pager">${offset > 0 ? html`<a href="${link('documents', { source, offset: Math.max(0, offset - PAGE_SIZE) })}">← newer</a>` : ''}<span>${list.total === 0 ? 'no documents' : `${offset + 1}–${Math.min(offset + PAGE_SIZE, list.total)} of ${list.total}`}</span>${
    offset + PAGE_SIZE < list.total ? html`<a href="${link('documents', { source, offset: offset + PAGE_SIZE })}">older →</a>` : ''
  }</div></section>
${addForm(deps, sources)}`;
  return layout({ title: 'Documents', current: 'documents', body, scripts: ['documents.js'] });
}

function documentsTable(rows: readonly DocumentRow[]): Html {
  return html`<table class="data" id="documents"><thead><tr><th scope="col">id</th><th scope="col">title</th><th scope="col">source</th><th scope="col">date</th><th scope="col">status</th><th scope="col">chunks</th><th scope="col">embedded</th><th scope="col">scored</th></tr></thead>
<tbody id="documents-body">${rows.map(
    (d) => html`<tr data-id="${d.id}" data-status="${d.status}"><td class="num">${d.id}</td><td><a href="${page(`documents/${d.id}`)}">${d.title ?? `document ${d.id}`}</a></td><td>${d.source}</td><td>${d.date ?? ''}</td><td><span class="status status-${d.status}">${d.status}</span>${
      d.status === 'failed' && d.error ? html`<br><small>${redactSecrets(d.error).slice(0, 200)}</small>` : ''
    }</td><td class="num">${d.chunks}</td><td class="num">${d.embedded}</td><td class="num">${d.scored}</td></tr>`,
  )}</tbody></table>`;
}

function addForm(deps: WebDeps, sources: string[]): Html {
  return html`<section aria-labelledby="add-h"><h2 id="add-h">Add a document</h2>
<noscript><p class="notice">Adding needs JavaScript here (it sends JSON); without it, POST JSON to /documents (see /openapi.json).</p></noscript>
<form id="add-document" class="stack" data-max-bytes="${deps.maxDocBytes}" data-token-required="${deps.apiToken === undefined ? 'no' : 'yes'}">
<label>Text (pasted)<textarea name="text" rows="8" cols="90"></textarea></label>
<label>…or a file (.txt, .md, .html)<input type="file" name="file" accept=".txt,.md,.markdown,.html,.htm,text/plain,text/markdown,text/html"></label>
<label>Source (required)<input name="source" required list="known-sources" size="40"></label>
<datalist id="known-sources">${sources.map((s) => html`<option value="${s}">`)}</datalist>
<label>Title<input name="title" size="60"></label>
<label>Actor<input name="actor" size="40"></label>
<label>Actor type<input name="actor_type" size="30" placeholder="state, intergovernmental, civil society, …"></label>
<label>Date<input name="date" size="11" placeholder="YYYY[-MM[-DD]]" pattern="\\d{4}(-\\d{2}(-\\d{2})?)?"></label>
<label>URL<input name="url" type="url" size="60"></label>
<label>Language<input name="language" size="5" placeholder="en"></label>
<label>Kind<input name="kind" size="30" placeholder="speech, declaration, …"></label>
${deps.apiToken === undefined ? '' : html`<label>API token (STANCE_API_TOKEN; kept in this tab only)<input name="token" type="password" autocomplete="off" size="30"></label>`}
<p><button type="submit">Add document</button></p>
<p id="add-result" role="status" aria-live="polite"></p>
</form></section>`;
}
