import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError, type z } from 'zod';
import { ID_RANGE, parseRowId } from '../app/compare/selection.ts';
import { runCompare, runEvidence, runSimilar, type QueryEnv } from '../app/compare/service.ts';
import { SimilarQueryError } from '../app/compare/similar.ts';
import type { Logger } from '../app/log.ts';
import { NothingScoredError } from '../app/lookup.ts';
import { documentStatus, failedDocuments } from '../app/status.ts';
import type { Config } from '../config/config.ts';
import { chunks } from '../db/schema/index.ts';
import { AxisError } from '../pipeline/axes.ts';
import { ScorerNameError } from '../app/scorers/names.ts';
import { ArtifactError } from '../pipeline/train/artifact.ts';
import { listScorers } from '../app/scorers/listing.ts';
import { defaultScorerName, profileGap } from '../app/scorers/index.ts';
import { formatBytes } from '../pipeline/prepare-document.ts';
import { documentDetails, intakeDocument } from './documents.ts';
import { findSource, listSources, SourceError } from '../app/sources.ts';
import { deleteDocuments, documentUpdateSchema, listDocuments, updateDocument } from '../app/documents.ts';
import type { RemovedJobs } from '../workers/remove-jobs.ts';
import { openApiDocument } from './openapi.ts';
import { compareQuery, documentListQuery, evidenceQuery, readQuery, similarQuery, type ApiIssue, type QuerySpec } from './params.ts';
import { describeIssues } from '../pipeline/issues.ts';
import { documentBodySchema } from './schemas.ts';
import { ApiError, requireToken, schemaBody, smallBody, zodIssues } from './http.ts';
import { registerSourceRoutes } from './source-routes.ts';
import { corsForAllowedOrigins, guardWrites } from './write-guard.ts';
import { redactSecrets } from '../pipeline/redact.ts';
import { WEB_ROOT } from './web/layout.ts';
import { webRoutes } from './web/routes.ts';
import { webDepsFrom } from './web/deps.ts';

/** What the HTTP API needs; everything comes in, so tests build an app without a socket or a model. */
export interface AppDeps {
  /** The store, the configured axes and model names, and (for /similar?text=) the text embedder. */
  env: QueryEnv;
  /** allowedOrigins: web origins besides the server's own that may write (STANCE_ALLOWED_ORIGINS). */
  config: Pick<Config, 'apiToken' | 'maxDocBytes'> & Partial<Pick<Config, 'allowedOrigins' | 'goldDir' | 'reviewDir' | 'redisUrl' | 'queuePrefix'>>;
  /**
   * Hands stored documents to the queue workers (REDIS_URL set). Without it, documents stay
   * queued for `stance process`: no model ever runs inside a request.
   */
  enqueue?: (documentIds: number[]) => Promise<void>;
  /** Removes deleted documents' jobs from the queue (REDIS_URL set); without it there is no queue to clean. */
  removeJobs?: (docs: { id: number; queue_attempt: number }[]) => Promise<RemovedJobs[]>;
  /** One structured line per request; errors with their stack. */
  logger?: Logger;
}

/** Largest request body: the document limit plus room for JSON escaping and metadata (a quarter, at least 64 KiB). */
export function bodyLimitBytes(maxDocBytes: number): number {
  return maxDocBytes + Math.max(64 * 1024, Math.ceil(maxDocBytes / 4));
}

const badParameters = (issues: ApiIssue[]) => new ApiError(400, `invalid parameters: ${describeIssues(issues)}`, issues);

/** Errors the queries raise for a request they cannot answer, with the status that fits. */
function statusFor(err: unknown): ContentfulStatusCode | undefined {
  if (err instanceof ApiError) return err.status;
  if (err instanceof HTTPException && err.status < 500) return err.status as ContentfulStatusCode;
  if (err instanceof AxisError) return 400; // unknown axis or pole
  if (err instanceof ScorerNameError) return 400; // unknown scorer: the message lists the known ones
  if (err instanceof ZodError) return 400;
  if (err instanceof SourceError) return 400; // ?sources= names a source the store does not have
  if (err instanceof NothingScoredError) return 409; // the store cannot answer yet
  if (err instanceof ArtifactError) return 409; // a stored model this version cannot read: retrain it
  if (err instanceof SimilarQueryError) return 409; // e.g. the chunk has no embedding from the current model
  return undefined;
}

/** The Hono app of the API. */
export function createApp(deps: AppDeps): Hono {
  const { env } = deps;
  const app = new Hono();
  const maxBody = bodyLimitBytes(deps.config.maxDocBytes);
  const openapi = openApiDocument({ maxBodyBytes: maxBody, tokenRequired: deps.config.apiToken !== undefined });

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger?.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
  });

  const allowedOrigins = deps.config.allowedOrigins ?? [];
  if (allowedOrigins.length) app.use(corsForAllowedOrigins(allowedOrigins));
  app.use(guardWrites(allowedOrigins));

  app.onError((err, c) => {
    const status = statusFor(err);
    if (status !== undefined) {
      const issues = err instanceof ApiError ? err.issues : err instanceof ZodError ? zodIssues(err) : undefined;
      return c.json({ error: redactSecrets(err.message), ...(issues ? { issues } : {}) }, status);
    }
    deps.logger?.error({ err, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error; the server log has the details' }, 500);
  });

  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}; the routes are described at /openapi.json` }, 404));

  const query = <S extends z.ZodObject>(c: Context, spec: QuerySpec<S>): z.output<S> => {
    const r = readQuery(spec, c.req.queries());
    if (!r.ok) throw badParameters(r.issues);
    return r.value;
  };

  app.get('/compare', async (c) => {
    const p = query(c, compareQuery);
    const comparisons = await runCompare(env, p);
    return c.json(p.axis !== undefined && comparisons.length === 1 ? comparisons[0] : { comparisons });
  });

  app.get('/evidence', async (c) => {
    const p = query(c, evidenceQuery);
    if (!(await findSource(env.db, p.source))) throw new ApiError(404, `unknown source "${p.source}"; GET /sources lists the sources and their aliases`);
    return c.json(await runEvidence(env, p));
  });

  app.get('/similar', async (c) => {
    const p = query(c, similarQuery);
    if (p.chunk !== undefined) {
      const [known] = await env.db.select({ id: chunks.id }).from(chunks).where(eq(chunks.id, p.chunk));
      if (!known) throw new ApiError(404, `chunk ${p.chunk} does not exist`);
    }
    return c.json(await runSimilar(env, p));
  });

  app.get('/scorers', async (c) =>
    c.json({ default: await defaultScorerName(env.db, env.config), default_refused: (await profileGap(env.db, env.config)) ?? null, scorers: await listScorers(env.db, env.config) }),
  );

  app.get('/axes', (c) =>
    c.json({
      axes: env.axes.map((a) => ({
        slug: a.slug,
        label: a.label,
        ...(a.description !== undefined ? { description: a.description } : {}),
        version: a.version,
        poles: a.poles.map((p) => ({ slug: p.slug, label: p.label })),
        thresholds: a.thresholds,
      })),
    }),
  );

  app.get('/status', async (c) => {
    // Stored errors are served without a token: hide any connection string they carry.
    const failed = (await failedDocuments(env.db)).map((f) => ({ ...f, error: f.error === null ? null : redactSecrets(f.error) }));
    return c.json({ sources: await documentStatus(env.db), failed });
  });

  app.get('/documents', async (c) => c.json(await listDocuments(env.db, query(c, documentListQuery))));

  app.get('/sources', async (c) => c.json({ sources: await listSources(env.db) }));

  registerSourceRoutes(app, env.db, deps.config.apiToken);

  app.patch('/documents/:id', requireToken(deps.config.apiToken), smallBody('a metadata correction'), async (c) => {
    const id = documentIdParam(c);
    const body = await schemaBody(c, documentUpdateSchema, 'the body must be a JSON object of the fields to change: {"title": "...", "date": "2013-10-17", ...} (null clears a field; see /openapi.json)', (d) => `invalid update: ${d}`);
    const result = await updateDocument(env.db, id, body);
    if (!result) throw new ApiError(404, `document ${id} does not exist`);
    return c.json(result);
  });

  app.delete('/documents/:id', requireToken(deps.config.apiToken), async (c) => {
    const id = documentIdParam(c);
    const dry = c.req.query('dry_run');
    if (dry !== undefined && !['', 'true', 'false'].includes(dry)) throw new ApiError(400, `dry_run is true or false, got "${dry}"`);
    const dryRun = dry === '' || dry === 'true';
    const { deleted } = await deleteDocuments(env.db, [id], { dryRun });
    const doc = deleted[0];
    if (!doc) throw new ApiError(404, `document ${id} does not exist`);
    let queue: { queue_jobs: RemovedJobs | null; queue_error: string | null } = { queue_jobs: null, queue_error: null };
    if (deps.removeJobs && !dryRun) {
      try {
        queue = { queue_jobs: (await deps.removeJobs([doc]))[0] ?? null, queue_error: null };
      } catch (err) {
        deps.logger?.error({ err, documentId: id }, 'removing queue jobs failed');
        queue = { queue_jobs: null, queue_error: `${redactSecrets((err as Error).message)}; the jobs fail on the missing document when they run` };
      }
    }
    return c.json({ dry_run: dryRun, deleted: doc, ...queue });
  });

  app.get('/documents/:id', async (c) => {
    const id = documentIdParam(c);
    const doc = await documentDetails(env, id);
    if (!doc) throw new ApiError(404, `document ${id} does not exist`);
    return c.json({ ...doc, error: doc.error === null ? null : redactSecrets(doc.error) });
  });

  app.post(
    '/documents',
    requireToken(deps.config.apiToken),
    bodyLimit({
      maxSize: maxBody,
      onError: (c) =>
        c.json(
          { error: `request body over the limit of ${formatBytes(maxBody)} (documents up to ${formatBytes(deps.config.maxDocBytes)}, STANCE_MAX_DOC_BYTES, plus room for JSON); split the document or raise STANCE_MAX_DOC_BYTES` },
          413,
        ),
    }),
    async (c) => {
      const body = await schemaBody(c, documentBodySchema, 'the body must be a JSON object: {"text": "...", "source": "...", ...} (see /openapi.json)', (d) => `invalid document: ${d}`);
      const result = await intakeDocument(env.db, body, deps.config.maxDocBytes);
      if (result.outcome === 'refused') throw new ApiError(result.httpStatus, result.message);
      // A duplicate still queued (e.g. after a failed enqueue) is queued again: job ids make that a no-op otherwise.
      const toQueue = result.outcome === 'created' || result.status === 'queued';
      if (deps.enqueue && toQueue) {
        try {
          await deps.enqueue([result.id]);
        } catch (err) {
          deps.logger?.error({ err, documentId: result.id }, 'enqueue failed');
          // The queue's error names the Redis URL it failed to reach, password included.
          return c.json({ error: `document ${result.id} is stored but could not be queued (${redactSecrets((err as Error).message)}); POST it again to retry`, id: result.id }, 503);
        }
      }
      if (result.outcome === 'duplicate') {
        return c.json({ id: result.id, status: result.status, source: result.source, duplicate_of: result.id }, 200);
      }
      c.header('Location', `/documents/${result.id}`);
      const notes = result.outcome === 'created' && result.notes ? { notes: result.notes } : {};
      return c.json({ id: result.id, status: 'queued' as const, source: result.source, processing: deps.enqueue ? ('workers' as const) : ('manual' as const), ...notes }, 201);
    },
  );

  app.get('/openapi.json', (c) => c.json(openapi));

  // The web pages for analysts, evaluators and operators (server/web/).
  app.route(WEB_ROOT, webRoutes(webDepsFrom(deps, (what) => requireToken(deps.config.apiToken, what))));
  app.get('/', (c) => c.redirect(WEB_ROOT));

  return app;
}

/** The :id of a document route, or a 400. */
function documentIdParam(c: Context): number {
  const raw = c.req.param('id') ?? '';
  const id = parseRowId(raw);
  if (id === undefined) throw new ApiError(400, `document id must be ${ID_RANGE}, got "${raw}"`);
  return id;
}
