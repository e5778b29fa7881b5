import type { Logger } from '../app/log.ts';
import { failureMessage, isUnavailable } from '../pipeline/failure-message.ts';

/**
 * Keeps a long-lived process alive through database restarts. postgres.js 3.4 rejects a leftover
 * promise of an already committed transaction when its connection closes later
 * (porsager/postgres#1201); nobody can await it, and Node ends the process on an unhandled
 * rejection, so the first Postgres restart would kill every worker. Such rejections (connection
 * errors only) are logged; any other unhandled rejection still ends the process.
 *
 * The same driver can also throw, from a setImmediate, when a connection closes while a small write
 * is buffered: `socket.write` on a socket it has just set to null (porsager/postgres#1154 and #1208;
 * fixes proposed in #1176 and #1209, not released). The query it belonged to has already been
 * rejected with CONNECTION_CLOSED, so that one exception is logged too; any other uncaught
 * exception still ends the process, as Node would.
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
  process.on('uncaughtException', (err) => {
    if (isClosedSocketWrite(err)) {
      log.warn({ err: err.message }, 'database connection closed during a write; the query was rejected and the connection reconnects on next use');
      return;
    }
    log.fatal({ err: failureMessage(err) }, 'uncaught exception');
    process.exit(1);
  });
}

/** postgres.js writing to a connection it has already closed (see above), and nothing else. */
export function isClosedSocketWrite(err: unknown): boolean {
  if (!(err instanceof TypeError) || !/null \(reading 'write'\)|evaluating 'socket\.write'/.test(err.message)) return false;
  const stack = err.stack ?? '';
  return /\bnextWrite\b/.test(stack) && /postgres[\\/]src[\\/]connection\.js/.test(stack);
}
