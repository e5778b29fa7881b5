import { describe, expect, it } from 'vitest';
import { createLogger } from '../../app/log.ts';

// Issue 8, item 5: ioredis and postgres.js errors carry the URL they failed to reach, password and
// all; the logger hides it wherever it appears in a line.

const SECRET = 'SECRETpw';

function logOnce(write: (logger: ReturnType<typeof createLogger>) => void): Record<string, unknown> {
  const lines: string[] = [];
  write(createLogger('info', { write: (l: string) => void lines.push(l) }));
  expect(lines).toHaveLength(1);
  const line = lines[0] as string;
  expect(line).not.toContain(SECRET);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('createLogger', () => {
  it('hides passwords in the message, fields, nested values and URL objects', () => {
    const entry = logOnce((log) =>
      log.warn(
        { url: `redis://:${SECRET}@cache:6379`, nested: { urls: [`postgres://u:${SECRET}@db/x`], n: 3 }, parsed: new URL(`rediss://u:${SECRET}@cache:6380`) },
        `cannot reach redis://:${SECRET}@cache:6379`,
      ),
    );
    expect(entry).toMatchObject({
      msg: 'cannot reach redis://:***@cache:6379',
      url: 'redis://:***@cache:6379',
      nested: { urls: ['postgres://u:***@db/x'], n: 3 },
      parsed: 'rediss://u:***@cache:6380',
    });
  });

  it('hides passwords in error messages, stacks and causes, and keeps the error type', () => {
    const cause = new Error(`connect ECONNREFUSED redis://:${SECRET}@cache:6379`);
    class QueueError extends Error {
      override name = 'QueueError';
    }
    const entry = logOnce((log) => log.error({ err: new QueueError(`not queued: ${cause.message}`, { cause }), documentId: 4 }, 'enqueue failed'));
    const err = entry.err as { type: string; message: string; stack: string };
    expect(err.type).toBe('QueueError');
    // pino appends the causes' messages to the message.
    expect(err.message).toMatch(/^not queued: connect ECONNREFUSED redis:\/\/:\*\*\*@cache:6379/);
    expect(err.stack).toContain('redis://:***@cache:6379');
    expect(entry.documentId).toBe(4);
  });
});
