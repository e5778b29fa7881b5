/**
 * One place that hides secrets and internals before text leaves the process: messages, logs,
 * stored job errors and API answers all pass through here.
 */

// scheme://user:password@host -> scheme://user:***@host. A lone scheme://name@host is a user name
// in the connection URLs this tool takes (postgres.js and ioredis both read it so): shown, since
// the user is half of what a "password authentication failed" is about. In any other URL it may be
// a token (https://TOKEN@host), so it is hidden.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(?::([^\s/@]*))?@/gi;
const USER_NAME_SCHEMES = new Set(['postgres://', 'postgresql://', 'redis://', 'rediss://']);
// key=value secrets in DSNs and query strings (password=..., token=...).
const KEY_VALUE_SECRET = /\b(password|passwd|pwd|token|secret|api[_-]?key|auth)=([^\s&;'"]+)/gi;

/** The text with every credential in connection strings and key=value pairs replaced by `***`. */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_CREDENTIALS, (all: string, scheme: string, user: string, password: string | undefined) => {
      if (password !== undefined) return `${scheme}${user}:***@`;
      return USER_NAME_SCHEMES.has(scheme.toLowerCase()) ? all : `${scheme}***@`;
    })
    .replace(KEY_VALUE_SECRET, (_all, key: string) => `${key}=***`);
}

/** A connection URL with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}
