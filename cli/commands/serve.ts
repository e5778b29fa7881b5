import { InvalidArgumentError, type Command } from 'commander';
import { surviveLostConnections } from '../../workers/lost-connection.ts';
import { createLogger } from '../../app/log.ts';
import { ConfigError, loadConfig } from '../../config/config.ts';
import { openDatabase } from '../../db/client.ts';
import { storeOptions } from '../context.ts';
import { createApp } from '../../server/app.ts';
import { serverNearest } from '../../app/compare/nearest.ts';
import { startServer, type RunningServer } from '../../server/listen.ts';
import { say } from '../output.ts';
import { queueDocuments, removeJobsOfDeleted } from '../process-after-ingest.ts';
import { queryEnvFor } from '../query-env.ts';

/** True for hosts only this machine can reach: localhost, 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** `stance serve`: the comparison queries and document intake as a JSON HTTP API, until SIGINT/SIGTERM. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the queries (compare, evidence, similar, axes, status) and document intake as a JSON HTTP API (routes at /openapi.json), and the web pages at /ui')
    .option('--port <n>', 'port to listen on (default STANCE_PORT, 8787; 0 picks a free port)', parsePort)
    .option('--host <host>', 'interface to listen on (default STANCE_HOST, 127.0.0.1)')
    .addHelpText(
      'after',
      '\nWrites (POST /documents) need "Authorization: Bearer $STANCE_API_TOKEN" when STANCE_API_TOKEN is set; listening beyond 127.0.0.1/::1 requires it.\nWrites take only application/json or multipart/form-data, and a browser Origin must be the server\'s own or in STANCE_ALLOWED_ORIGINS.\nPosted documents are queued for the workers when REDIS_URL is set; otherwise they wait for `stance process`.\nExample: curl "http://127.0.0.1:8787/compare?axis=sovereignty_multistakeholder"',
    )
    .action(async (flags: { port?: number; host?: string }) => {
      const config = loadConfig();
      if (config.redisUrl && !config.databaseUrl) {
        // Workers run in other processes, and the embedded database belongs to this one.
        throw new ConfigError('REDIS_URL is set but DATABASE_URL is not: queue workers need a Postgres server. Set DATABASE_URL, or unset REDIS_URL (posted documents then wait for `stance process`).');
      }
      const host = flags.host ?? config.host;
      const port = flags.port ?? config.port;
      if (!config.apiToken && !isLoopback(host)) {
        // Without a token anyone who reaches the port could add documents.
        throw new ConfigError(`refusing to listen on ${host} without STANCE_API_TOKEN: anyone who can reach it could add documents. Set STANCE_API_TOKEN (writes then need "Authorization: Bearer <token>"), or listen on 127.0.0.1 (--host 127.0.0.1) behind a reverse proxy.`);
      }
      const logger = createLogger(config.logLevel);
      surviveLostConnections(logger);
      const database = await openDatabase(storeOptions(config));
      let server: RunningServer | undefined;
      try {
        const enqueue = config.redisUrl ? (ids: number[]) => queueDocuments(config, ids, database.db) : undefined;
        // Fail at start, not at the first POST, when Redis is not there (an empty batch only connects).
        if (enqueue) await enqueue([]);
        // similar: pgvector when the database has it, else the embeddings held in memory (app/compare/nearest.ts).
        const nearest = await serverNearest(database.db);
        const removeJobs = config.redisUrl ? (docs: { id: number; queue_attempt: number }[]) => removeJobsOfDeleted(config, database.db, docs) : undefined;
        const app = createApp({ env: { ...queryEnvFor(database, config), nearest }, config, enqueue, removeJobs, logger });
        try {
          server = await startServer(app, { host, port });
        } catch (err) {
          throw new ConfigError(`cannot listen on ${host}:${port}: ${(err as Error).message}; pick another --port/STANCE_PORT or --host/STANCE_HOST`, { cause: err });
        }
        // Other processes on the embedded store are refused with a message that names this URL.
        database.lock?.update({ url: server.url });
        logger.info({ url: server.url, database: database.location, similar: nearest.kind, auth: config.apiToken ? 'bearer token for writes' : 'none', queue: enqueue ? 'workers' : 'stance process' }, 'listening');
        say(`stance API on ${server.url} (routes: ${server.url}/openapi.json; web pages: ${server.url}/ui); Ctrl-C to stop`);

        const signal = await new Promise<string>((resolve) => {
          process.once('SIGINT', () => resolve('SIGINT'));
          process.once('SIGTERM', () => resolve('SIGTERM'));
        });
        logger.info({ signal }, 'shutting down: finishing requests in flight');
        await server.close();
        logger.info({}, 'stopped');
      } finally {
        await database.close();
      }
    });
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port takes a whole number from 0 to 65535, got "${value}"`);
  return n;
}
