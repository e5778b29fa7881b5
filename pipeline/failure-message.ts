import { redactSecrets } from './redact.ts';

/**
 * Turns the errors a processing step can end with into the short text stored in documents.error
 * (served by `stance status` and the API): the cause a user can act on, never SQL text, query
 * parameters or connection strings.
 */

const MAX_LENGTH = 400;

// Node socket errors and postgres.js' own connection errors.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
]);

// SQLSTATEs that mean "the server is going away or not accepting work", not "the data is wrong".
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

const SQLSTATE_HINTS: Record<string, string> = {
  '54': 'a value is too large for the database',
  '23': 'the data breaks a database constraint',
  '22': 'the database refused a value',
  '42': 'the database schema does not match this version (run `stance db migrate`)',
  '53': 'the database ran out of resources',
};

type ErrorLike = { name?: unknown; message?: unknown; code?: unknown; severity?: unknown; address?: unknown; port?: unknown; cause?: unknown };

function chainOf(err: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let e: unknown = err;
  while (e && typeof e === 'object' && chain.length < 6 && !chain.includes(e as ErrorLike)) {
    chain.push(e as ErrorLike);
    e = (e as ErrorLike).cause;
  }
  return chain;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

// A server error of Postgres (postgres.js' PostgresError, PGlite's DatabaseError): SQLSTATE + severity.
const isServerError = (e: ErrorLike) => typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';

// Drops the SQL text and parameters that drizzle puts in its messages ("Failed query: ...\nparams: ...").
function withoutQuery(message: string): string {
  return message.replace(/Failed query:[\s\S]*/i, 'a database query failed').split('\n')[0]!.trim();
}

function describe(chain: ErrorLike[]): string {
  const network = chain.find((e) => typeof e.code === 'string' && CONNECTION_CODES.has(e.code));
  if (network) {
    const where = str(network.address) ? ` to ${String(network.address)}${network.port ? `:${String(network.port)}` : ''}` : '';
    return `connection failed${where} (${String(network.code)}): the service was unreachable; run the document again once it is back`;
  }
  const server = chain.find(isServerError);
  if (server) {
    const code = server.code as string;
    const text = withoutQuery(str(server.message) ?? 'unknown error');
    if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return `database unavailable (${code}: ${text}); run the document again once it is back`;
    const hint = SQLSTATE_HINTS[code.slice(0, 2)];
    return `${hint ? `${hint}: ` : 'database error: '}${text} (SQLSTATE ${code})`;
  }
  // Our own errors (BadDataError, PayloadError, ModelLoadError, AxisError) and BullMQ's
  // UnrecoverableError that wraps them already say what is wrong; keep the first line.
  const first = chain[0];
  const message = str(first?.message) ?? (first ? String(first.name ?? 'error') : 'unknown error');
  const cleaned = withoutQuery(message);
  const cause = chain[1] && str(chain[1].message);
  return cleaned === 'a database query failed' && cause ? `${cleaned}: ${withoutQuery(cause)}` : cleaned;
}

/** A short, secret-free message for a processing failure, kept in documents.error. */
export function failureMessage(err: unknown): string {
  // Redact before cutting: a cut could split a password from the URL that marks it.
  const text = redactSecrets(typeof err === 'string' ? withoutQuery(err) : describe(chainOf(err))) || 'unknown error';
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}

/** True when the failure says a service was unreachable (retrying later should help). */
export function isUnavailable(err: unknown): boolean {
  return chainOf(err).some(
    (e) => (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) || (isServerError(e) && (UNAVAILABLE_SQLSTATES.has(e.code as string) || (e.code as string).startsWith('08'))),
  );
}
