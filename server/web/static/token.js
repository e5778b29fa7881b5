// The API token of the pages' writes: typed once, kept for this tab only (sessionStorage), sent as
// a Bearer header. Pages without a token field (no token configured) send none.
const KEY = 'stance-token';

/** Fills a token field from this tab's storage. */
export function restoreToken(input) {
  if (input) input.value = sessionStorage.getItem(KEY) ?? '';
}

/** Headers with the token of the field (remembered for the tab), plus the given ones. */
export function withToken(input, headers = {}) {
  if (!input) return headers;
  sessionStorage.setItem(KEY, input.value);
  return input.value ? { ...headers, Authorization: `Bearer ${input.value}` } : headers;
}
