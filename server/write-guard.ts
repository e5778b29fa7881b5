import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/**
 * Writes closed to other web pages. A page on any site can make a browser POST here without a
 * preflight when the body is text/plain or a form (urlencoded or multipart), and the token is not
 * needed when none is configured. So non-GET requests must carry a media type a form cannot send
 * without a preflight (application/json, the only body the routes read), and an Origin header, which
 * browsers send with every cross-site write, must be this server's own or one listed in
 * STANCE_ALLOWED_ORIGINS. Clients that are not browsers (curl, scripts) send no Origin.
 * DELETE carries no body and no form can send it (a browser always preflights it), so it needs
 * no media type; the Origin check holds for it too.
 */

// Every write route reads a JSON body; a form upload (multipart) would be accepted here and then
// refused by the route as "not a JSON object", so it is refused here with the reason.
const WRITE_MEDIA_TYPES = ['application/json'];
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BODYLESS_WRITES = new Set(['DELETE']);

/** Refuses writes with another media type (415) or from a foreign Origin (403). */
export function guardWrites(allowedOrigins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(allowedOrigins);
  return async (c, next) => {
    if (READ_METHODS.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      const own = new URL(c.req.url).origin;
      if (origin !== own && !allowed.has(origin)) {
        return c.json(
          { error: `writes from the web origin "${origin}" are refused: only this server's own origin (${own}) and the origins in STANCE_ALLOWED_ORIGINS may write` },
          403,
        );
      }
    }
    if (BODYLESS_WRITES.has(c.req.method)) return next();
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!WRITE_MEDIA_TYPES.includes(mediaType)) {
      return c.json(
        { error: `${c.req.method} ${c.req.path} takes Content-Type: application/json, got ${mediaType ? `"${mediaType}"` : 'none'}; send the body as JSON with that header (a file's text goes in the "text" field)` },
        415,
      );
    }
    return next();
  };
}

/** CORS answers for the allowed origins only, so their pages can send JSON writes (which need a preflight). */
export function corsForAllowedOrigins(allowedOrigins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['Location'],
  });
}
