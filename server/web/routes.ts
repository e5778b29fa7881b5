import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { WebDeps } from './deps.ts';
import { PageError, pageErrorFor } from './errors.ts';
import { redactSecrets } from '../../pipeline/redact.ts';
import { html, type Html } from './html.ts';
import { layout, notice, page } from './layout.ts';
import { mapPage } from './pages/map.ts';
import { comparePage } from './pages/compare.ts';
import { documentsPage } from './pages/documents.ts';
import { documentPage } from './pages/document.ts';
import { trendsPage } from './pages/trends.ts';
import { similarPage } from './pages/similar.ts';
import { queuesPage } from './pages/queues.ts';
import { ReviewCache, reviewPage, saveReviewLabel } from './pages/review.ts';
import { projectFile } from '../../config/project-files.ts';
import { queryControlIssues } from '../params.ts';
import { describeIssues } from '../../pipeline/issues.ts';

// The stylesheet and scripts: small files served as they are (no bundler), read when the server
// starts (not at import: every command of the CLI bundle imports this module).
const STATIC_TYPES: Record<string, string> = {
  'style.css': 'text/css; charset=utf-8',
  'filters.js': 'text/javascript; charset=utf-8',
  'documents.js': 'text/javascript; charset=utf-8',
  'review.js': 'text/javascript; charset=utf-8',
  'queues.js': 'text/javascript; charset=utf-8',
  'token.js': 'text/javascript; charset=utf-8',
};

function readStaticFiles(): Record<string, { type: string; body: string }> {
  return Object.fromEntries(
    Object.entries(STATIC_TYPES).map(([file, type]) => [file, { type, body: readFileSync(projectFile(`server/web/static/${file}`), 'utf8') }]),
  );
}

// Every page: no framing by other sites, no scripts but our own files, no inline script.
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

/** The web pages (server-rendered HTML), mounted under /ui by server/app.ts. */
export function webRoutes(deps: WebDeps): Hono {
  const web = new Hono();
  const STATIC = readStaticFiles();
  const send = (c: Context, body: Html, status: 200 | 400 | 401 | 404 | 409 | 503 = 200) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
    return c.html(body.value, status);
  };

  web.onError((err, c) => {
    const known = pageErrorFor(err);
    if (!known) deps.logger?.error({ err, method: c.req.method, path: c.req.path }, 'page failed');
    const message = known?.message ?? 'internal error; the server log has the details';
    // Writes come from the pages' scripts, which read JSON.
    if (c.req.method !== 'GET') {
      return c.json({ error: message }, known?.status ?? 500);
    }
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
    return c.html(layout({ title: known ? 'Cannot show this page' : 'Error', current: '', body: html`${notice('error', message)}<p><a href="${page('map')}">Back to the map</a></p>` }).value, known?.status ?? 500);
  });

  // The pages read their query parameters one by one; a control character is refused here for all
  // of them (a NUL reached Postgres and gave a 500), with the API's rule and message.
  web.use('*', async (c, next) => {
    const issues = queryControlIssues(c.req.queries());
    if (issues.length) throw new PageError(400, describeIssues(issues));
    await next();
  });
  web.get('/', (c) => c.redirect(page('map')));
  web.get('/static/:file', (c) => {
    const f = STATIC[c.req.param('file')];
    if (!f) return c.text('not found', 404);
    c.header('Content-Type', f.type);
    c.header('Cache-Control', 'no-cache');
    return c.body(f.body);
  });
  web.get('/map', async (c) => send(c, await mapPage(deps, c.req.queries())));
  web.get('/compare', async (c) => send(c, await comparePage(deps, c.req.queries())));
  web.get('/documents', async (c) => send(c, await documentsPage(deps, c.req.queries())));
  web.get('/documents/:id', async (c) => send(c, await documentPage(deps, c.req.param('id'), c.req.queries())));
  web.get('/trends', async (c) => send(c, await trendsPage(deps, c.req.queries())));
  web.get('/similar', async (c) => send(c, await similarPage(deps, c.req.queries())));
  web.get('/queues', async (c) => send(c, await queuesPage(deps)));
  // Behind the token: queue names and counts are for operators.
  web.get('/queues/counts', deps.requireToken('queue counts'), async (c) => {
    if (!deps.queueCounts) return c.json({ error: 'no queue: REDIS_URL is not set' }, 404);
    try {
      return c.json({ queues: await deps.queueCounts() });
    } catch (err) {
      return c.json({ error: `Redis is not reachable: ${redactSecrets((err as Error).message)}` }, 503);
    }
  });
  const reviewCache = new ReviewCache();
  web.get('/review', async (c) => send(c, await reviewPage(deps, reviewCache, c.req.queries())));
  // A write: the API token when one is configured; the API's write guard (JSON only, own Origin) ran already.
  web.post('/review/labels', deps.requireToken('writes'), bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: 'a label body is at most 64 KiB' }, 413) }), async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw new PageError(400, 'the body must be a JSON object: {"set", "id", "reviewer", "labels": {axis: label}, "note"?}');
    }
    return c.json(saveReviewLabel(deps, raw));
  });
  return web;
}
