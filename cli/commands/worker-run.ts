import { ConfigError, loadConfig } from '../../config/config.ts';
import { openDatabase } from '../../db/client.ts';
import { inferenceSpecFrom } from '../../app/inference.ts';
import { createLogger } from '../../app/log.ts';
import { createStepContext } from '../../app/step-context.ts';
import { producerConnection, ready, workerConnection } from '../../workers/connection.ts';
import { startInferencePool } from '../../workers/inference-pool.ts';
import { openProducer } from '../../workers/producer.ts';
import { startWorkers } from '../../workers/run-workers.ts';
import { surviveLostConnections } from '../../workers/lost-connection.ts';
import { configuredAxes } from '../runtime.ts';

/** What `stance worker` does (cli/commands/worker.ts loads this module only when the command runs: it brings BullMQ and ioredis). */
export async function runWorker(opts: { concurrency: number }): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl || !config.databaseUrl) {
    throw new ConfigError('stance worker needs REDIS_URL (the queue) and DATABASE_URL (a Postgres server shared with the producers).');
  }
  const logger = createLogger(config.logLevel);
  surviveLostConnections(logger);
  const axes = configuredAxes(config);
  // Everything opened so far is closed again if start-up fails (a model that will not load),
  // so a failed worker exits instead of idling with open connections.
  const cleanups: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const close of cleanups.reverse()) await close();
  };
  let running: ReturnType<typeof startWorkers>;
  try {
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    cleanups.push(() => database.close());
    const producerRedis = producerConnection(config.redisUrl);
    cleanups.push(() => producerRedis.disconnect());
    await ready(producerRedis, config.redisUrl);
    logger.info({ embed: config.embedModel, nli: config.nliModel, dtype: config.dtype }, 'loading models');
    const inference = await startInferencePool(inferenceSpecFrom(config), { onProgress: (m) => logger.info({ progress: m }, 'model download') });
    cleanups.push(() => inference.close());
    const ctx = await createStepContext(database.db, inference, axes, config);
    const producer = openProducer(producerRedis, config.queuePrefix, { attempts: config.queue.jobAttempts, backoffMs: config.queue.backoffMs });
    cleanups.push(() => producer.close());
    const workerRedis = workerConnection(config.redisUrl);
    // BullMQ leaves connections it was given open; close them so the process can exit.
    cleanups.push(() => workerRedis.disconnect());
    running = startWorkers(ctx, {
      connection: workerRedis,
      prefix: config.queuePrefix,
      producer,
      logger,
      concurrency: opts.concurrency,
      lockDuration: config.queue.lockMs,
      stalledInterval: config.queue.lockMs,
      // Documents left without a live job (Redis lost, failures not recorded) are queued again.
      reconcile: { intervalMs: config.queue.reconcileIntervalMs, staleAfterMs: config.queue.staleAfterMs },
    });
    cleanups.push(() => running.close());
    logger.info({ concurrency: opts.concurrency, prefix: config.queuePrefix, database: database.location }, 'workers ready');
  } catch (err) {
    await closeAll();
    throw err;
  }

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down: finishing current jobs');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await closeAll();
  logger.info({}, 'workers stopped');
}
