/**
 * Why Postgres could not be reached or refused the connection, in words a user can act on. The
 * driver's error arrives wrapped (drizzle's "Failed query: <SQL> params: ..." with the driver
 * error as its cause), so the cause chain is searched; the SQL text is never part of the answer.
 */

type ErrorLike = { code?: unknown; message?: unknown; hostname?: unknown; cause?: unknown };

function chainOf(err: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (let e: unknown = err; e && typeof e === 'object' && chain.length < 6 && !chain.includes(e as ErrorLike); e = (e as ErrorLike).cause) chain.push(e as ErrorLike);
  return chain;
}

const CHECK = 'check DATABASE_URL';

// Server errors at connection time (SQLSTATE): the server's own message says what it refused.
const SERVER_HINTS: Record<string, string> = {
  '28P01': 'check the user and password in DATABASE_URL',
  '28000': "check the user in DATABASE_URL and the server's pg_hba.conf",
  '3D000': 'create it with createdb, or fix the database name in DATABASE_URL',
  '57P03': 'the server is starting up or shutting down; try again in a moment',
  '53300': 'the server has no connection slot free; try again later or raise max_connections',
};

function describe(e: ErrorLike): string | undefined {
  const code = typeof e.code === 'string' ? e.code : undefined;
  switch (code) {
    case undefined:
      return undefined;
    case 'ECONNREFUSED':
      return `connection refused (is the server running? ${CHECK})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `unknown host${typeof e.hostname === 'string' ? ` ${e.hostname}` : ''} (${CHECK})`;
    case 'ETIMEDOUT':
    case 'CONNECT_TIMEOUT':
      return `no answer from the server in time (is the host reachable and the port right? ${CHECK})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `the host is unreachable (${CHECK} and the network)`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'CONNECTION_CLOSED':
    case 'CONNECTION_ENDED':
    case 'CONNECTION_DESTROYED':
      return `the server closed the connection (is a Postgres server listening there? ${CHECK})`;
  }
  const hint = SERVER_HINTS[code];
  return hint && typeof e.message === 'string' ? `${e.message} (${hint})` : undefined;
}

/** What made a connection to Postgres fail, with what to do; undefined when err is not about connecting. */
export function connectFailure(err: unknown): string | undefined {
  for (const e of chainOf(err)) {
    const text = describe(e);
    if (text !== undefined) return text;
  }
  return undefined;
}
