import { pino, type Logger } from 'pino';

/** Structured logger on stderr: a constant message, the data in fields (queue, job id, document id). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'stance' } }, pino.destination(2));
}
export type { Logger };
