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
import { isLoopback } from './serve.ts';

/** What `stance serve` does (cli/commands/serve.ts loads this module only when the command runs: it brings the HTTP server). */
export async function runServe(flags: { port?: number; host?: string }): Promise<void> {
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
}
