import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

/** A listening API server. */
export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8787 */
  url: string;
  host: string;
  port: number;
  /**
   * Stops accepting connections, lets requests in flight finish (closing idle keep-alive
   * connections at once), and after graceMs closes whatever is still open.
   */
  close(graceMs?: number): Promise<void>;
}

/** Listens on host:port (port 0 picks a free port) and resolves once the socket is bound. */
export function startServer(app: Hono, opts: { host: string; port: number }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    // overrideGlobalObjects: false: by default @hono/node-server replaces the process's global
    // Request and Response for good, after which a Response from fetch() is no longer
    // `instanceof Response` (transformers.js then stopped caching the model files it downloads
    // in a process that had served).
    const server = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port, overrideGlobalObjects: false }, (info: AddressInfo) => {
      server.off('error', reject);
      const host = info.address.includes(':') ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        host: info.address,
        port: info.port,
        close: (graceMs = 10_000) =>
          new Promise<void>((done, fail) => {
            const timer = setTimeout(() => server.closeAllConnections(), graceMs);
            timer.unref();
            server.close((err) => {
              clearTimeout(timer);
              if (err) fail(err);
              else done();
            });
            server.closeIdleConnections();
          }),
      });
    }) as Server;
    server.once('error', reject);
  });
}
