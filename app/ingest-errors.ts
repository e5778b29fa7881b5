import { redactSecrets } from '../pipeline/redact.ts';

/** How an unexpected failure of one item is reported: a kind and words a user can act on. */
export interface ItemFailure {
  problem: 'storage' | 'storage-unavailable' | 'unexpected';
  message: string;
}

// Postgres SQLSTATE classes and codes a user can do something about.
const SQLSTATE_MESSAGES: [RegExp, string][] = [
  [/^54000$/, 'a field is too long for the database index that holds it (shorten the source, actor or title)'],
  [/^54001$/, 'the document or its metadata is too deeply nested for the database'],
  [/^(22021|22P05)$/, 'the document or its metadata holds characters the database cannot store (such as U+0000)'],
  [/^22/, 'a value is not valid for the database (a field too long or of the wrong kind)'],
  [/^23/, 'the document conflicts with a stored one; run the ingest again'],
];

// Connection failures, shutdowns, lack of resources: nothing wrong with the item.
const UNAVAILABLE = /^(08|57P|53)/;
const UNAVAILABLE_MESSAGE = 'the database is unreachable or out of resources; nothing was stored for this file: run the ingest again when it is back';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);

/** The error and its causes, outermost first. */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let e: unknown = err;
  while (e !== undefined && e !== null && chain.length < 10 && !chain.includes(e)) {
    chain.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return chain;
}

/**
 * Turns any error thrown while ingesting one item into that item's outcome: the reason in words,
 * never a stack trace, SQL text or a connection string.
 */
export function describeItemFailure(err: unknown): ItemFailure {
  const chain = causeChain(err);
  for (const e of chain) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (CONNECTION_CODES.has(code) || UNAVAILABLE.test(code)) return { problem: 'storage-unavailable', message: `could not be stored: ${UNAVAILABLE_MESSAGE} (${code})` };
    const known = SQLSTATE_MESSAGES.find(([re]) => re.test(code));
    if (known) return { problem: 'storage', message: `could not be stored: ${known[1]} (database error ${code})` };
  }
  // Drizzle's own message is the failed SQL with its parameters: describe its cause instead.
  const shown = chain.find((e) => e instanceof Error && !e.message.startsWith('Failed query:')) as Error | undefined;
  const name = shown?.name ?? 'Error';
  const firstLine = (shown?.message ?? String(err)).split('\n')[0] ?? '';
  const brief = redactSecrets(firstLine).slice(0, 200);
  return { problem: 'unexpected', message: `unexpected error while ingesting (${name}: ${brief}); the other files go on. If it repeats, report it with this file` };
}
