import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config/config.ts';

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const c = parseConfig({}, '/home/u/project');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.dataDir).toBe('/home/u/project/.stance');
    expect(c.embedModel).toBe('Xenova/all-MiniLM-L6-v2');
    expect(c.nliModel).toBe('Xenova/nli-deberta-v3-xsmall');
    expect(c.dtype).toBe('q8');
    expect(c.maxDocBytes).toBe(5_000_000);
    expect(c.logLevel).toBe('info');
    expect(c.modelsDir).toBeUndefined();
    expect(c.queue).toEqual({ jobAttempts: 4, backoffMs: 2000, lockMs: 30_000, reconcileIntervalMs: 60_000, staleAfterMs: 60_000 });
  });

  it('reads the queue recovery knobs and refuses a zero or fractional one by name', () => {
    const c = parseConfig({ STANCE_JOB_ATTEMPTS: '2', STANCE_JOB_BACKOFF_MS: '100', STANCE_JOB_LOCK_MS: '2000', STANCE_RECONCILE_INTERVAL_MS: '1000', STANCE_STALE_AFTER_MS: '500' });
    expect(c.queue).toEqual({ jobAttempts: 2, backoffMs: 100, lockMs: 2000, reconcileIntervalMs: 1000, staleAfterMs: 500 });
    expect(() => parseConfig({ STANCE_JOB_ATTEMPTS: '0' })).toThrow(/STANCE_JOB_ATTEMPTS="0": must be greater than 0/);
    expect(() => parseConfig({ STANCE_STALE_AFTER_MS: '1.5' })).toThrow(/STANCE_STALE_AFTER_MS="1.5": must be a whole number/);
  });

  it('reads every variable and resolves folders against the working directory', () => {
    const c = parseConfig(
      {
        DATABASE_URL: 'postgres://u@db:5432/stance',
        REDIS_URL: 'redis://cache:6379',
        STANCE_DATA_DIR: 'data',
        STANCE_MODELS_DIR: 'models',
        STANCE_EMBED_MODEL: 'my/embed',
        STANCE_NLI_MODEL: 'my/nli',
        STANCE_MODEL_DTYPE: 'fp32',
        STANCE_MAX_DOC_BYTES: '1000',
        LOG_LEVEL: 'debug',
      },
      '/w',
    );
    expect(c).toMatchObject({
      databaseUrl: 'postgres://u@db:5432/stance',
      redisUrl: 'redis://cache:6379',
      dataDir: '/w/data',
      modelsDir: '/w/models',
      embedModel: 'my/embed',
      nliModel: 'my/nli',
      dtype: 'fp32',
      maxDocBytes: 1000,
      logLevel: 'debug',
    });
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ DATABASE_URL: '', STANCE_MODEL_DTYPE: '' }).dtype).toBe('q8');
  });

  it.each([
    ['STANCE_MODEL_DTYPE', 'fp64', /STANCE_MODEL_DTYPE="fp64".*(fp32|q8)/],
    ['STANCE_MAX_DOC_BYTES', 'lots', /STANCE_MAX_DOC_BYTES="lots"/],
    ['STANCE_MAX_DOC_BYTES', '-5', /STANCE_MAX_DOC_BYTES="-5": must be greater than 0/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL="mysql:\/\/x": must be a URL starting with postgres:\/\//],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL="localhost:6379": must be a URL starting with redis:\/\//],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud".*info/],
    ['STANCE_QUEUE_PREFIX', 'a:b', /STANCE_QUEUE_PREFIX="a:b": must not contain ':'/],
  ])('rejects %s=%s with a message naming the variable', (name, value, pattern) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(pattern);
  });

  // Every numeric variable: text that is not a number says what the variable needs, not zod's "received NaN".
  it.each([
    ...['STANCE_JOB_ATTEMPTS', 'STANCE_JOB_BACKOFF_MS', 'STANCE_JOB_LOCK_MS', 'STANCE_RECONCILE_INTERVAL_MS', 'STANCE_STALE_AFTER_MS', 'STANCE_ORT_THREADS', 'STANCE_INFERENCE_SESSIONS', 'STANCE_CHUNK_TOKENS', 'STANCE_MAX_DOC_BYTES', 'STANCE_PORT'].map(
      (name) => [name, 'a whole number greater than 0'] as const,
    ),
    ['STANCE_LOCK_WAIT', 'a number of seconds'] as const,
    ['STANCE_NLI_GATE_FORCE_PASS_RATE', 'a number in [0, 1]'] as const,
  ])('refuses %s=abc saying it must be %s', (name, needs) => {
    for (const value of ['abc', '0x10', '12abc']) {
      expect(() => parseConfig({ [name]: value })).toThrow(`Invalid configuration (fix these environment variables):\n  ${name}=${JSON.stringify(value)}: must be ${needs}`);
    }
  });

  it('reads numbers written with spaces around them or in exponent form', () => {
    expect(parseConfig({ STANCE_JOB_ATTEMPTS: ' 7 ', STANCE_PORT: '8e3', STANCE_LOCK_WAIT: '.5' })).toMatchObject({ queue: { jobAttempts: 7 }, port: 8000, lockWaitMs: 500 });
  });

  it('names every bad variable at once', () => {
    try {
      parseConfig({ LOG_LEVEL: 'x', STANCE_MODEL_DTYPE: 'y' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain('LOG_LEVEL');
      expect((err as Error).message).toContain('STANCE_MODEL_DTYPE');
    }
  });
});
