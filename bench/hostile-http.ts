import { stringifyWithMetadata, type Expectation, type HostileCase } from './hostile-cases.ts';
import type { Tally } from './hostile-tally.ts';

/** One request of the HTTP entrance and what its answer must be. */
export interface HttpCase {
  kind: string;
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** refuse: 4xx; store: 201/200 (or 503 "stored but not queued" while Redis is down); either: any answer but 500. */
  expect: Expectation;
}

// Over HTTP the text is a JSON string: byte encodings do not apply, whatever the file case expects.
const BYTE_KINDS = new Set(['utf16', 'utf32', 'utf8-bom', 'invalid-utf8', 'nul', 'whitespace', 'control']);

/** A document case as a POST /documents request. */
export function httpDocumentBody(c: HostileCase, token: string): HttpCase {
  const m = c.meta;
  const body = {
    text: Buffer.from(c.content).toString('utf8'),
    file_name: c.file,
    source: m.source,
    actor: m.actor,
    actor_type: m.actorType,
    title: m.title,
    date: m.date,
    url: m.url,
    language: m.language,
    kind: m.kind,
    metadata: m.metadata,
  };
  return {
    kind: c.kind,
    name: c.name,
    method: 'POST',
    path: '/documents',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: stringifyWithMetadata(body, c.metadataJson),
    expect: BYTE_KINDS.has(c.kind) ? 'either' : c.expect,
  };
}

/** Malformed bodies, wrong content types and tokens, hostile query parameters and ids. */
export function httpExtraCases(token: string, maxDocBytes: number, unique: string): HttpCase[] {
  const json = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const cases: HttpCase[] = [];
  const post = (kind: string, name: string, body: string | Uint8Array, expect: Expectation, headers: Record<string, string> = json) =>
    cases.push({ kind, name, method: 'POST', path: '/documents', headers, body, expect });
  const get = (name: string, path: string) => cases.push({ kind: 'query', name, method: 'GET', path, headers: {}, expect: 'either' });
  const ok = (k: string) => JSON.stringify({ text: `An HTTP text ${unique} ${k} on Internet governance.`, source: 'Hostile HTTP' });

  for (const [name, body] of [
    ['empty body', ''], ['unterminated object', '{'], ['null', 'null'], ['array', '[]'], ['number', '42'], ['string', '"text"'], ['true', 'true'],
    ['text as a number', '{"text": 1, "source": "S"}'], ['no source', '{"text": "a text"}'], ['no text', '{"source": "S"}'],
    ['unknown field', '{"text": "a text", "source": "S", "admin": true}'], ['format pdf', '{"text": "a text", "source": "S", "format": "pdf"}'],
    ['format and file_name disagree', '{"text": "a text", "source": "S", "format": "html", "file_name": "a.txt"}'],
    ['file_name of 300 characters', JSON.stringify({ text: 'a text', source: 'S', file_name: `${'f'.repeat(296)}.txt` })],
    ['file_name path traversal', JSON.stringify({ text: 'a text', source: 'S', file_name: '../../etc/passwd' })],
    ['trailing garbage', `${ok('garbage')}xyz`], ['single quotes', "{'text': 'a', 'source': 'S'}"],
    ['array 100,000 deep', '['.repeat(100_000)], ['object 100,000 deep', '{"a":'.repeat(100_000)],
    ['metadata 5,000 deep', `{"text": "a text ${unique} deep", "source": "S", "metadata": ${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`],
    ['metadata as a string', '{"text": "a text", "source": "S", "metadata": "x"}'],
  ] as const) post('malformed-json', name, body, 'refuse');
  post('malformed-json', '__proto__ key', `{"__proto__": {"polluted": 1}, "text": "Proto ${unique} text.", "source": "S"}`, 'refuse');
  post('malformed-json', 'duplicate keys (last wins)', `{"text": "x", "text": "Duplicate key ${unique} text.", "source": "S"}`, 'store');
  post('malformed-json', 'invalid UTF-8 in the body', new Uint8Array([...Buffer.from('{"text": "bad '), 0xff, 0xfe, ...Buffer.from(`${unique}", "source": "S"}`)]), 'either');
  post('malformed-json', 'UTF-8 BOM before the JSON', `\ufeff${ok('bom')}`, 'either');
  post('too-large', 'body over the limit', JSON.stringify({ text: 'a'.repeat(maxDocBytes + 100_000), source: 'S' }), 'refuse');
  post('too-large', 'text over the document limit', JSON.stringify({ text: 'b'.repeat(maxDocBytes + 1), source: 'S' }), 'refuse');
  // Write routes take JSON only: a cross-site form or text/plain post must not create a document.
  post('content-type', 'text/plain', ok('plain'), 'refuse', { 'content-type': 'text/plain', authorization: `Bearer ${token}` });
  post('content-type', 'form', 'text=a&source=S', 'refuse', { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` });
  post('content-type', 'multipart garbage', '--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nhi\r\n--x--', 'refuse', { 'content-type': 'multipart/form-data; boundary=x', authorization: `Bearer ${token}` });
  post('content-type', 'no content type', ok('none'), 'refuse', { authorization: `Bearer ${token}` });
  post('content-type', 'xml', '<doc/>', 'refuse', { 'content-type': 'application/xml', authorization: `Bearer ${token}` });
  post('auth', 'no token', ok('no-token'), 'refuse', { 'content-type': 'application/json' });
  post('auth', 'wrong token', ok('wrong-token'), 'refuse', { 'content-type': 'application/json', authorization: 'Bearer nope' });
  post('auth', 'empty bearer', ok('empty-bearer'), 'refuse', { 'content-type': 'application/json', authorization: 'Bearer ' });
  post('auth', 'basic auth', ok('basic'), 'refuse', { 'content-type': 'application/json', authorization: 'Basic YTpi' });

  for (const [name, path] of [
    ['document id 2^31', '/documents/2147483648'], ['document id of 20 digits', '/documents/99999999999999999999'], ['document id -1', '/documents/-1'],
    ['document id abc', '/documents/abc'], ['document id 0', '/documents/0'], ['document id 1e3', '/documents/1e3'], ['document id with %00', '/documents/1%00'],
    ['similar chunk 2^31', '/similar?chunk=2147483648'], ['similar chunk 1e308', '/similar?chunk=1e308'], ['similar chunk -5', '/similar?chunk=-5'],
    ['similar chunk and text', '/similar?chunk=1&text=x'], ['similar with nothing', '/similar'],
    ['compare documents 2^31', '/compare?documents=2147483648'], ['compare documents huge list', `/compare?documents=${Array.from({ length: 500 }, (_, i) => i + 1).join(',')}`],
    ['compare documents 2^53', '/compare?documents=9007199254740993'], ['compare unknown axis', '/compare?axis=nope'], ['compare axis of 5,000 characters', `/compare?axis=${'a'.repeat(5_000)}`],
    ['compare unknown scorer', '/compare?scorer=oracle'], ['compare by nonsense', '/compare?by=planet'], ['compare iterations -1', '/compare?iterations=-1'],
    ['compare iterations 1e12', '/compare?iterations=1000000000000'], ['compare seed abc', '/compare?seed=abc'], ['compare from 2013-13-45', '/compare?from=2013-13-45'],
    ['compare sources with NUL', '/compare?sources=a%00b'], ['evidence unknown axis', '/evidence?source=ITU&axis=nope&pole=x'],
    ['evidence source of 1,000 characters', `/evidence?source=${'s'.repeat(1_000)}&axis=security_rights&pole=rights`], ['evidence limit 1e9', '/evidence?source=ITU&axis=security_rights&pole=rights&limit=1000000000'],
    ['status', '/status'], ['axes', '/axes'], ['openapi', '/openapi.json'], ['unknown route', '/admin'], ['path traversal route', '/../../etc/passwd'],
  ] as const) get(name, path);
  return cases;
}

/** Checks one answer: never 500, no stack or secret in the body, and refused or stored as the case expects. */
export function checkHttpCase(tally: Tally, c: HttpCase, status: number, body: string): void {
  tally.count('http');
  const label = `${c.method} ${c.path.slice(0, 60)} ${c.kind}: ${c.name}`;
  tally.output('http', label, body);
  if (status === 500) {
    tally.fail('http_500', 'http', label, body);
    return;
  }
  // 503 "stored but could not be queued": the document is in the database (Redis is down on purpose).
  const stored = status === 201 || status === 200 || (status === 503 && /"id":\d+/.test(body));
  if (c.kind === 'good' && !stored) tally.fail('good_not_created', 'http', label, `${status} ${body}`);
  else if (c.expect === 'refuse' && (stored || status < 400)) tally.fail('wrongly_accepted', 'http', label, `${status} ${body}`);
  else if (c.expect === 'store' && !stored) tally.fail('wrongly_refused', 'http', label, `${status} ${body}`);
}
