import { pino, stdSerializers, type Logger } from 'pino';
import { redactSecrets } from '../pipeline/redact.ts';

/**
 * Structured logger on stderr: a constant message, the data in fields (queue, job id, document id).
 * Every string of a line (message, fields, error messages and stacks) has connection-string
 * passwords hidden: errors of ioredis and postgres.js can carry the URL they failed to reach.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: { app: 'stance' },
      formatters: { log: (fields) => redactFields(fields) as Record<string, unknown> },
      // Errors are already serialized (and redacted) by the formatter; pino's own err serializer
      // would serialize that plain object again and call its type "Object".
      serializers: { err: (value: unknown) => redactFields(value) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

const MAX_DEPTH = 8;

/** A copy of a log value with secrets hidden in every string; errors become pino's serialized form first. */
export function redactFields(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof URL) return redactSecrets(value.href);
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) return redactEntries(stdSerializers.err(value), depth, seen);
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1, seen));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  return redactEntries(value, depth, seen);
}

function redactEntries(value: object, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactFields(v, depth + 1, seen)]));
}
export type { Logger };
