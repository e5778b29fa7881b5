import type { Logger } from '../app/log.ts';
import { failureMessage, isUnavailable } from '../pipeline/failure-message.ts';

/**
 * Keeps a long-lived process alive through database restarts. postgres.js 3.4 rejects a leftover
 * promise of an already committed transaction when its connection closes later
 * (porsager/postgres#1201); nobody can await it, and Node ends the process on an unhandled
 * rejection, so the first Postgres restart would kill every worker. Such rejections (connection
 * errors only) are logged; any other unhandled rejection still ends the process.
 */
export function surviveLostConnections(log: Logger): void {
  process.on('unhandledRejection', (reason) => {
    if (isUnavailable(reason)) {
      log.warn({ err: failureMessage(reason) }, 'database connection lost outside a job; it reconnects on next use');
      return;
    }
    log.fatal({ err: failureMessage(reason) }, 'unhandled rejection');
    process.exit(1);
  });
}
