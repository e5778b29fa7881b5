import { html, type Html } from '../html.ts';
import { documentsInProgress } from '../../../app/document-progress.ts';
import type { WebDeps } from '../deps.ts';
import { layout, notice, page } from '../layout.ts';

/**
 * Operators: the job counts per queue that `stance status` shows. The counts come from
 * GET /ui/queues/counts, which needs the API token when one is configured, so the page fetches
 * them with a script; the unfinished documents (public, like GET /status) are rendered here.
 */
export async function queuesPage(deps: WebDeps): Promise<Html> {
  const inProgress = await documentsInProgress(deps.env.db);
  const body = html`${deps.queueCounts ? html`${deps.apiToken === undefined ? '' : html`<form id="queue-token-form" class="filters"><label>API token (STANCE_API_TOKEN; kept in this tab only) <input id="queue-token" type="password" autocomplete="off" size="24"></label><button type="submit">Show counts</button></form>`}
<div id="queue-counts" data-src="${page('queues/counts')}" aria-live="polite"><noscript>${notice('info', html`The counts need JavaScript here (they are fetched with the token); <code>stance status</code> prints them too.`)}</noscript></div>` : notice('info', html`No queue: REDIS_URL is not set, so documents wait for <code>stance process</code> (the list below shows them).`)}
<h2>Unfinished documents</h2>
${inProgress.length === 0 ? html`<p>none</p>` : html`<table class="data"><thead><tr><th scope="col">id</th><th scope="col">source</th><th scope="col">status</th><th scope="col">chunks</th><th scope="col">embedded</th><th scope="col">scored</th><th scope="col">title</th></tr></thead><tbody>${inProgress.map(
    (d) => html`<tr><td class="num">${d.id}</td><td>${d.source}</td><td><span class="status status-${d.status}">${d.status}</span></td><td class="num">${d.chunks}</td><td class="num">${d.embedded}</td><td class="num">${d.scored}</td><td><a href="${page(`documents/${d.id}`)}">${d.title ?? `document ${d.id}`}</a></td></tr>`,
  )}</tbody></table>`}`;
  return layout({ title: 'Queues', current: 'queues', body, scripts: deps.queueCounts ? ['queues.js'] : [] });
}
