import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { poolShape } from '../pipeline/pool-shape.ts';
import { z } from 'zod';
import { parseGate, type NliGate } from '../pipeline/nli-gate.ts';
import { redactSecrets } from '../pipeline/redact.ts';

/** Error raised when an environment variable has a value the tool cannot use. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
// Pole hypotheses run for chunks whose relevance reaches half the axis's relevance threshold.
const DEFAULT_NLI_GATE = '0.5';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Empty strings count as unset: `FOO= stance ...` should mean "use the default".
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

// Every numeric variable is read here. Its text must be a plain decimal number, told as what the
// variable needs ("must be a whole number greater than 0"); zod's coercion made "abc" NaN and said
// "expected number, received NaN", and took "0x10" for 16.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const numberFrom = <T extends z.ZodType<unknown, number>>(needs: string, check: T) =>
  z.string().trim().regex(DECIMAL, `must be ${needs}`).transform(Number).pipe(check);
const unsetAs = (fallback: number | undefined) => (v: unknown) => (v === undefined || v === '' ? (fallback === undefined ? undefined : String(fallback)) : v);

const wholePositive = () => numberFrom('a whole number greater than 0', z.number().int('must be a whole number').positive('must be greater than 0'));
const positiveInt = (fallback: number) => z.preprocess(unsetAs(fallback), wholePositive());
const optionalPositiveInt = z.preprocess(unsetAs(undefined), wholePositive().optional());

const urlWithScheme = (schemes: string[]) =>
  optionalString.refine(
    (v) => v === undefined || schemes.some((s) => v.startsWith(`${s}://`)),
    `must be a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`,
  );

const envSchema = z.object({
  DATABASE_URL: urlWithScheme(['postgres', 'postgresql']),
  STANCE_DATA_DIR: optionalString.default('.stance'),
  REDIS_URL: urlWithScheme(['redis', 'rediss']),
  STANCE_QUEUE_PREFIX: optionalString.default('stance'),
  STANCE_JOB_ATTEMPTS: positiveInt(4),
  STANCE_JOB_BACKOFF_MS: positiveInt(2_000),
  STANCE_JOB_LOCK_MS: positiveInt(30_000),
  STANCE_RECONCILE_INTERVAL_MS: positiveInt(60_000),
  STANCE_STALE_AFTER_MS: positiveInt(60_000),
  STANCE_MODELS_DIR: optionalString,
  STANCE_EMBED_MODEL: optionalString.default('Xenova/all-MiniLM-L6-v2'),
  STANCE_NLI_MODEL: optionalString.default('Xenova/nli-deberta-v3-xsmall'),
  STANCE_MODEL_DTYPE: z.preprocess((v) => (v === '' ? undefined : v), z.enum(DTYPES).default('q8')),
  STANCE_ORT_THREADS: optionalPositiveInt,
  STANCE_INFERENCE_SESSIONS: optionalPositiveInt,
  STANCE_CHUNK_TOKENS: positiveInt(200),
  STANCE_NLI_GATE: z
    .preprocess((v) => (v === undefined || v === '' ? DEFAULT_NLI_GATE : v), z.string())
    .transform((v, ctx) => {
      const gate = parseGate(v);
      if (gate === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be "off" or a fraction of the relevance threshold in (0, 1], e.g. 0.5' });
        return z.NEVER;
      }
      return gate;
    }),
  // Benchmark hook (bench/throughput.ts): the share of (chunk, axis) pairs the gate lets through, whatever their relevance.
  STANCE_NLI_GATE_FORCE_PASS_RATE: z.preprocess(unsetAs(undefined), numberFrom('a number in [0, 1]', z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]')).optional()),
  STANCE_MAX_DOC_BYTES: positiveInt(5_000_000),
  STANCE_AXES_FILE: optionalString,
  STANCE_LEXICON_FILE: optionalString,
  // The kind is checked against the scorer registry where it is used (app/scorers); here only the form.
  STANCE_SCORER: optionalString.refine((v) => v === undefined || /^[a-z]+(:[A-Za-z0-9][A-Za-z0-9_.-]*)?$/.test(v), 'must be a scorer name such as nli, prototype, lexicon or trained:NAME (see `stance scorers`)'),
  STANCE_THRESHOLD_PROFILE: optionalString,
  STANCE_API_TOKEN: optionalString,
  STANCE_ALLOWED_ORIGINS: optionalString,
  STANCE_LOCK_WAIT: z.preprocess(unsetAs(10), numberFrom('a number of seconds', z.number().min(0, 'must be 0 or more seconds').max(86_400, 'must be at most 86400 seconds (a day)'))),
  STANCE_HOST: optionalString.default('127.0.0.1'),
  STANCE_PORT: positiveInt(8787),
  STANCE_GOLD_DIR: optionalString.default('eval'),
  STANCE_REVIEW_DIR: optionalString.default('eval/reviews'),
  LOG_LEVEL: z.preprocess((v) => (v === '' ? undefined : v), z.enum(LOG_LEVELS).default('info')),
});

export type Dtype = (typeof DTYPES)[number];

/** The typed configuration of one process. */
export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  queuePrefix: string;
  /** Queue retries and recovery (see README, "Recovery"); tests shorten them. */
  queue: { jobAttempts: number; backoffMs: number; lockMs: number; reconcileIntervalMs: number; staleAfterMs: number };
  modelsDir: string | undefined;
  embedModel: string;
  nliModel: string;
  dtype: Dtype;
  /** ONNX Runtime intra-op threads per session, and sessions (model copies, each in a worker thread): pipeline/pool-shape.ts. */
  ortThreads: number;
  inferenceSessions: number;
  chunkTokens: number;
  /** The NLI cascade's gate (pipeline/nli-gate.ts); undefined: off, every hypothesis runs. */
  nliGate: NliGate | undefined;
  maxDocBytes: number;
  axesFile: string | undefined;
  /** The lexicon file of the lexicon scorer and baseline; the project's config/lexicon.json when undefined. */
  lexiconFile: string | undefined;
  /** The scorer queries read when none is named; the best one with scores when undefined. */
  scorer: string | undefined;
  thresholdProfile: string | undefined;
  apiToken: string | undefined;
  /** Origins (scheme://host[:port]) besides the server's own that may send writes from a browser. */
  allowedOrigins: string[];
  /** How long a CLI command waits for another process to release the embedded store, in ms. */
  lockWaitMs: number;
  host: string;
  port: number;
  /** The folder whose *.jsonl gold sets the label review page offers. */
  goldDir: string;
  /** The folder the label review page writes reviewers' taggings to (never into a gold set). */
  reviewDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
}

// Connection strings carry passwords: messages name the variable and never echo the secret. A value
// without a scheme (host:port, user:pw@host) cannot be redacted as a URL: everything up to its last @ goes.
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'REDIS_URL', 'STANCE_API_TOKEN']);
function shown(name: string, value: string): string {
  if (!SECRET_VARIABLES.has(name)) return JSON.stringify(value);
  if (name === 'STANCE_API_TOKEN') return '(hidden)';
  const hidden = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? redactSecrets(value) : value.replace(/^.*@/s, '***@');
  return JSON.stringify(hidden);
}

/** Parses an environment into a Config; throws ConfigError naming every bad variable. `cores` sizes the inference pool's defaults. */
export function parseConfig(env: Record<string, string | undefined>, cwd = '.', cores = availableParallelism()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      return `  ${name}=${shown(name, env[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration (fix these environment variables):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.STANCE_QUEUE_PREFIX.includes(':')) {
    // BullMQ uses ':' as its key separator; a prefix with one corrupts key names.
    throw new ConfigError(`Invalid configuration:\n  STANCE_QUEUE_PREFIX=${JSON.stringify(e.STANCE_QUEUE_PREFIX)}: must not contain ':'`);
  }
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(cwd, e.STANCE_DATA_DIR),
    redisUrl: e.REDIS_URL,
    queuePrefix: e.STANCE_QUEUE_PREFIX,
    queue: {
      jobAttempts: e.STANCE_JOB_ATTEMPTS,
      backoffMs: e.STANCE_JOB_BACKOFF_MS,
      lockMs: e.STANCE_JOB_LOCK_MS,
      reconcileIntervalMs: e.STANCE_RECONCILE_INTERVAL_MS,
      staleAfterMs: e.STANCE_STALE_AFTER_MS,
    },
    modelsDir: e.STANCE_MODELS_DIR === undefined ? undefined : resolve(cwd, e.STANCE_MODELS_DIR),
    embedModel: e.STANCE_EMBED_MODEL,
    nliModel: e.STANCE_NLI_MODEL,
    dtype: e.STANCE_MODEL_DTYPE,
    ...poolFrom(cores, e.STANCE_INFERENCE_SESSIONS, e.STANCE_ORT_THREADS),
    chunkTokens: e.STANCE_CHUNK_TOKENS,
    nliGate: gateFrom(e.STANCE_NLI_GATE, e.STANCE_NLI_GATE_FORCE_PASS_RATE),
    maxDocBytes: e.STANCE_MAX_DOC_BYTES,
    axesFile: e.STANCE_AXES_FILE === undefined ? undefined : resolve(cwd, e.STANCE_AXES_FILE),
    lexiconFile: e.STANCE_LEXICON_FILE === undefined ? undefined : resolve(cwd, e.STANCE_LEXICON_FILE),
    scorer: e.STANCE_SCORER,
    thresholdProfile: e.STANCE_THRESHOLD_PROFILE,
    apiToken: e.STANCE_API_TOKEN,
    allowedOrigins: parseOrigins(e.STANCE_ALLOWED_ORIGINS),
    lockWaitMs: Math.round(e.STANCE_LOCK_WAIT * 1000),
    host: e.STANCE_HOST,
    port: e.STANCE_PORT,
    goldDir: resolve(cwd, e.STANCE_GOLD_DIR),
    reviewDir: resolve(cwd, e.STANCE_REVIEW_DIR),
    logLevel: e.LOG_LEVEL,
  };
}

function poolFrom(cores: number, sessions: number | undefined, threads: number | undefined): { inferenceSessions: number; ortThreads: number } {
  const shape = poolShape(cores, { sessions, threads });
  return { inferenceSessions: shape.sessions, ortThreads: shape.threads };
}

function gateFrom(gate: NliGate | 'off', forcePassRate: number | undefined): NliGate | undefined {
  if (gate === 'off') return undefined;
  return forcePassRate === undefined ? gate : { ...gate, forcePassRate };
}

// Origins as browsers send them: scheme://host[:port], no path. A typo would silently never match, so refuse it.
function parseOrigins(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')
    .map((o) => {
      let url: URL | undefined;
      try {
        url = new URL(o);
      } catch {
        url = undefined;
      }
      if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== o.replace(/\/$/, '')) {
        throw new ConfigError(`Invalid configuration:\n  STANCE_ALLOWED_ORIGINS: "${redactSecrets(o)}" is not an origin; give comma-separated origins like https://app.example.org or http://localhost:3000 (scheme, host and port only)`);
      }
      return url.origin;
    });
}

let cached: Config | undefined;

/** The process configuration, parsed from process.env on first use. */
export function loadConfig(): Config {
  // The one place that reads the environment (DESIGN.md §3.8).
  // eslint-disable-next-line no-restricted-properties
  cached ??= parseConfig(process.env, process.cwd());
  return cached;
}

/** Drops the parsed configuration so the next loadConfig() reads the environment again (in-process CLI runs in tests). */
export function forgetConfig(): void {
  cached = undefined;
}
