/**
 * One place that hides secrets and internals before text leaves the process: messages, logs,
 * stored job errors and API answers all pass through here.
 */

// scheme://user:password@host -> scheme://user:***@host; scheme://token@host (Redis' default user) too.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(?::([^\s/@]*))?@/gi;
// key=value secrets in DSNs and query strings (password=..., token=...).
const KEY_VALUE_SECRET = /\b(password|passwd|pwd|token|secret|api[_-]?key|auth)=([^\s&;'"]+)/gi;

/** The text with every credential in connection strings and key=value pairs replaced by `***`. */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_CREDENTIALS, (_all, scheme: string, user: string, password: string | undefined) =>
      password === undefined ? `${scheme}***@` : `${scheme}${user}:***@`,
    )
    .replace(KEY_VALUE_SECRET, (_all, key: string) => `${key}=***`);
}

/** A connection URL with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}
