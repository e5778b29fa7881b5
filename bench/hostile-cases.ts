/**
 * Hostile inputs for the ingest entrances, shared by bench/hostile.ts (the full run) and
 * test/unit/hostile-inputs.test.ts (one case per kind). Each case says what must happen to it:
 * `refuse` (a failed outcome / 4xx), `store` (created), or `either` (what matters is that it gets
 * an outcome, not which).
 */

export type Expectation = 'refuse' | 'store' | 'either';

/** A document to ingest: a file name (its extension gives the format), raw content and metadata. */
export interface HostileCase {
  kind: string;
  name: string;
  file: string;
  content: Uint8Array;
  meta: Record<string, unknown>;
  expect: Expectation;
  /** The metadata as JSON text, when it is too deep for JSON.stringify. */
  metadataJson?: string;
  /** Its conversion is timed and printed by bench/hostile.ts: an input made to be slow. */
  timed?: boolean;
}

/** JSON.stringify of a value with `metadata` spliced in as raw JSON text (for metadata too deep to stringify). */
export function stringifyWithMetadata(value: Record<string, unknown>, metadataJson: string | undefined, key = 'metadata'): string {
  if (metadataJson === undefined) return JSON.stringify(value);
  const placeholder = `__raw_${Math.random().toString(36).slice(2)}__`;
  return JSON.stringify({ ...value, [key]: placeholder }).replace(`"${placeholder}"`, metadataJson);
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const cat = (...parts: (number[] | Uint8Array)[]) => new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));
const utf16le = (s: string) => new Uint8Array(Buffer.from(s, 'utf16le'));
const utf16be = (s: string) => new Uint8Array(Buffer.from(s, 'utf16le').swap16());
function utf32(s: string, le: boolean): Uint8Array {
  const cps = Array.from(s, (c) => c.codePointAt(0) ?? 0);
  const b = Buffer.alloc(cps.length * 4);
  cps.forEach((cp, i) => (le ? b.writeUInt32LE(cp, i * 4) : b.writeUInt32BE(cp, i * 4)));
  return new Uint8Array(b);
}
/** Deterministic pseudo-random letters (incompressible enough to pass an index row limit). */
function noise(n: number, seed: number): string {
  let x = seed >>> 0 || 1;
  let out = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += String.fromCharCode(0x21 + ((x >>> 0) % 94));
  }
  return out;
}
const nested = (depth: number): Record<string, unknown> => {
  const root: Record<string, unknown> = {};
  let cur = root;
  for (let i = 1; i < depth; i++) {
    const next: Record<string, unknown> = {};
    cur.k = next;
    cur = next;
  }
  return root;
};

const SOURCE = 'Hostile bench';

/**
 * Content cases: the bytes are hostile, the metadata is fine. `unique` makes every text of a run
 * distinct from other runs (so good documents are created, not duplicates); `maxDocBytes` sizes the
 * "over the limit" cases.
 */
export function contentCases(unique: string, maxDocBytes: number): HostileCase[] {
  const t = (k: string) => `A text about Internet governance (${unique} ${k}). All stakeholders should take part.`;
  const cases: HostileCase[] = [];
  const add = (kind: string, name: string, file: string, content: Uint8Array, expect: Expectation, timed = false) =>
    cases.push({ kind, name, file, content, meta: { source: SOURCE }, expect, ...(timed ? { timed } : {}) });
  // Fills 90% of the limit with a repeated unit (a text of its own first, so each run stores new text).
  const fill = (unit: string, before = '', after = '') => before + unit.repeat(Math.floor((maxDocBytes * 0.9 - before.length - after.length) / unit.length)) + after;

  add('empty', 'empty file', 'empty.txt', new Uint8Array(), 'refuse');
  for (const [i, ws] of [' ', '\n\n\n', '\t \t', '\r\n\r\n', '\u00a0\u2003\u3000', '\u200b\u200b\ufeff'].entries()) add('whitespace', `whitespace ${i}`, `ws${i}.txt`, utf8(ws), 'refuse');
  for (const at of [0, 1, 10, 50]) add('nul', `NUL byte at ${at}`, `nul${at}.txt`, cat(utf8(t('nul').slice(0, at)), [0], utf8(t('nul').slice(at))), 'refuse');
  add('nul', 'many NUL bytes', 'nuls.txt', new Uint8Array(64), 'refuse');
  const badUtf8: [string, number[]][] = [
    ['latin1 é', [0xe9]], ['lone continuation', [0x80]], ['overlong slash', [0xc0, 0xaf]], ['truncated 3-byte', [0xe2, 0x82]],
    ['surrogate in UTF-8', [0xed, 0xa0, 0x80]], ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]], ['0xFF byte', [0xff]], ['0xFE byte', [0xfe]],
    ['truncated 4-byte at end', [0xf0, 0x9f, 0x98]], ['CESU pair', [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]],
  ];
  for (const [name, bytes] of badUtf8) add('invalid-utf8', name, `bad-utf8-${bytes.join('-')}.txt`, cat(utf8(t(name)), bytes, utf8(' end.')), 'refuse');
  const wide = (k: string) => t(`wide ${k}`);
  add('utf16', 'UTF-16LE with BOM', 'u16le-bom.txt', cat([0xff, 0xfe], utf16le(wide('le'))), 'store');
  add('utf16', 'UTF-16BE with BOM', 'u16be-bom.txt', cat([0xfe, 0xff], utf16be(wide('be'))), 'store');
  add('utf16', 'UTF-16LE without BOM', 'u16le.txt', utf16le(wide('le-nobom')), 'refuse');
  add('utf16', 'UTF-16BE without BOM', 'u16be.txt', utf16be(wide('be-nobom')), 'refuse');
  add('utf16', 'UTF-16LE BOM, lone surrogate', 'u16-lone.txt', cat([0xff, 0xfe], utf16le('ab'), [0x00, 0xd8], utf16le('cd')), 'refuse');
  add('utf16', 'UTF-16LE BOM, odd length', 'u16-odd.txt', cat([0xff, 0xfe], utf16le(wide('odd')), [0x41]), 'refuse');
  add('utf16', 'UTF-16 HTML with BOM', 'u16.html', cat([0xff, 0xfe], utf16le(`<p>${wide('html')}</p>`)), 'store');
  add('utf32', 'UTF-32LE with BOM', 'u32le-bom.txt', cat([0xff, 0xfe, 0, 0], utf32(wide('32le'), true)), 'store');
  add('utf32', 'UTF-32BE with BOM', 'u32be-bom.txt', cat([0, 0, 0xfe, 0xff], utf32(wide('32be'), false)), 'store');
  add('utf32', 'UTF-32LE without BOM', 'u32le.txt', utf32(wide('32le-nobom'), true), 'refuse');
  add('utf32', 'UTF-32BE without BOM', 'u32be.txt', utf32(wide('32be-nobom'), false), 'refuse');
  add('utf32', 'UTF-32 BOM, code point past U+10FFFF', 'u32-big.txt', cat([0, 0, 0xfe, 0xff], [0, 0x11, 0, 0]), 'refuse');
  add('utf32', 'UTF-32 BOM, bad length', 'u32-len.txt', cat([0xff, 0xfe, 0, 0], [0x41, 0, 0]), 'refuse');
  add('utf8-bom', 'UTF-8 with BOM', 'u8-bom.txt', cat([0xef, 0xbb, 0xbf], utf8(t('utf8 bom'))), 'store');
  add('too-large', 'one byte over the limit', 'big.txt', utf8('a'.repeat(maxDocBytes + 1)), 'refuse');
  add('too-large', 'twice the limit of words', 'big2.txt', utf8('word '.repeat(Math.ceil((2 * maxDocBytes) / 5))), 'refuse');
  for (const depth of [600, 3_000, 10_000]) add('deep-html', `div nested ${depth}`, `deep-div-${depth}.html`, utf8(`${'<div>'.repeat(depth)}${t(`deep ${depth}`)}${'</div>'.repeat(depth)}`), 'refuse');
  add('deep-html', 'lists nested 1,200', 'deep-list.html', utf8(`${'<ul><li>'.repeat(1_200)}${t('deep list')}`), 'refuse');
  add('deep-html', 'tables nested 1,500', 'deep-table.html', utf8(`${'<table><tr><td>'.repeat(1_500)}${t('deep table')}`), 'refuse');
  add('deep-html', 'spans nested 100 (fine)', 'nest100.html', utf8(`${'<span>'.repeat(100)}${t('nest 100')}${'</span>'.repeat(100)}`), 'store');
  add('deep-html', '10,000 unclosed <p> (siblings)', 'many-p.html', utf8(`<p>${t('many p')}`.repeat(10_000).slice(0, Math.floor(maxDocBytes * 0.9))), 'store');
  add('html', 'script and style only', 'script.html', utf8('<script>alert(1)</script><style>p{}</style>'), 'refuse');
  add('html', 'unterminated tag', 'unterminated.html', utf8(`<p>${t('unterminated')}<a href="`), 'either');
  add('html', 'comment bomb', 'comments.html', utf8(`${'<!--'.repeat(5_000)}${t('comments')}`), 'either', true);
  add('html', 'entity soup', 'entities.html', utf8(`<p>${'&amp;&#0;&#xD800;&#x110000;&lt;'.repeat(200)} ${t('entities')}</p>`), 'either');
  const longWord = Math.min(Math.floor(maxDocBytes * 0.8), 1_000_000);
  add('long-word', `one word of ${longWord} letters`, 'longword.txt', utf8(`${t('long word')} ${'x'.repeat(longWord)}`), 'store');
  add('long-word', 'base64 blob line', 'blob.txt', utf8(`${t('blob')}\n${Buffer.from(noise(30_000, 7)).toString('base64')}`), 'store');
  for (const [i, c] of ['\u0001', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u2028', '\ufffe'].entries()) add('control', `control char ${i}`, `ctrl${i}.txt`, utf8(`${t(`ctrl ${i}`)}${c.repeat(5)} more text.`), 'either');
  add('rtl', 'right-to-left text', 'rtl.txt', utf8(`\u202e${t('rtl')} \u0645\u0646\u0638\u0645\u0629 \u05e9\u05dc\u05d5\u05dd \u200f.`), 'store');
  add('zero-width', 'zero-width characters everywhere', 'zw.txt', utf8(Array.from(t('zw')).join('\u200b')), 'store');
  add('zero-width', 'only zero-width characters', 'zw-only.txt', utf8('\u200b\u200c\u200d\u2060\ufeff'.repeat(50)), 'refuse');
  add('emoji', 'emoji and combining marks', 'emoji.txt', utf8(`${t('emoji')} 😀👩‍👩‍👧 e\u0301\u0301\u0301 Z\u0351\u0352\u0353\u0354`), 'store');
  add('furniture', 'page furniture only', 'furniture.txt', utf8('Home | About | Contact\nPrint Version\nShare it\n'), 'refuse');
  add('type', 'PDF', 'slides.pdf', utf8('%PDF-1.4 fake'), 'refuse');
  add('type', 'no extension', 'README', utf8(t('no ext')), 'refuse');
  add('type', 'exe', 'tool.exe', cat([0x4d, 0x5a, 0x90, 0x00]), 'refuse');
  add('type', 'upper-case extension', 'LOUD.TXT', utf8(t('loud')), 'store');
  add('markdown', 'markdown with raw HTML', 'md.md', utf8(`# Title\n\n<div><script>x</script></div>\n\n${t('md')}`), 'store');
  add('markdown', 'markdown of only markup', 'md-empty.md', utf8('```\n```\n---\n***\n'), 'refuse');
  // Markup that made the old regular expressions scan to the end from every opener, or backtrack.
  add('slow-markdown', '"<a" without ">"', 'tags.md', utf8(fill('<a', `${t('md tags')}\n`)), 'store', true);
  add('slow-markdown', '"[a](" without ")"', 'links.md', utf8(fill('[a](', `${t('md links')}\n`)), 'store', true);
  add('slow-markdown', '"![a](" without ")"', 'images.md', utf8(fill('![a](', `${t('md images')}\n`)), 'store', true);
  add('slow-markdown', '"[a" then one "]"', 'brackets.md', utf8(fill('[a', `${t('md brackets')}\n`, ']')), 'store', true);
  add('slow-markdown', '"<!--" without "-->"', 'comments.md', utf8(fill('<!--', `${t('md comments')}\n`)), 'store', true);
  add('slow-markdown', 'heading with a run of blanks', 'heading.md', utf8(fill(' ', `${t('md heading')}\n# a`, 'x')), 'store', true);
  add('slow-markdown', 'line of "- " ending in a word', 'dashes.md', utf8(fill('- ', `${t('md dashes')}\n`, 'x')), 'store', true);
  // Tables that html-to-text's aligned printer laid out in quadratic time or per spanned slot.
  add('slow-table', 'one row of many cells', 'wide-row.html', utf8(fill('<td>cell</td>', `<p>${t('wide row')}</p><table><tr>`, '</tr></table>')), 'store', true);
  add('slow-table', 'many rows of one cell', 'long-column.html', utf8(fill('<tr><td>cell</td></tr>', `<p>${t('long column')}</p><table>`, '</table>')), 'store', true);
  add('slow-table', 'colspan 1,000,000,000', 'colspan.html', utf8(`<p>${t('colspan')}</p><table><tr><td colspan="1000000000">x</td><td>y</td></tr></table>`), 'store', true);
  add('slow-table', 'rowspan 100,000', 'rowspan.html', utf8(`<p>${t('rowspan')}</p><table><tr><td rowspan="100000">x</td><td>y</td></tr></table>`), 'store', true);
  add('long-line', 'ten thousand short lines', 'lines.txt', utf8(`${t('lines')}\n${'a\n'.repeat(10_000)}`), 'store');
  add('sentences', 'one sentence of 20,000 words', 'sentence.txt', utf8(`${t('sentence')} ${'policy '.repeat(20_000)}`.slice(0, Math.floor(maxDocBytes * 0.9))), 'store');
  add('duplicate', 'duplicate of a good text', 'dup.txt', utf8(t('duplicate')), 'store');
  add('duplicate', 'the same text again', 'dup-again.txt', utf8(t('duplicate')), 'either');
  add('duplicate', 'same text, other whitespace', 'dup-ws.txt', utf8(`  ${t('duplicate')}\r\n`), 'either');
  return cases;
}

/** Metadata cases: a plain good text under hostile metadata. */
export function metaCases(unique: string): HostileCase[] {
  const cases: HostileCase[] = [];
  let n = 0;
  const add = (kind: string, name: string, meta: Record<string, unknown>, expect: Expectation, metadataJson?: string) => {
    n++;
    const text = `Metadata case ${n} of ${unique}: governments and civil society discuss the Internet.`;
    cases.push({ kind, name, file: `meta-${n}.txt`, content: utf8(text), meta, expect, ...(metadataJson ? { metadataJson } : {}) });
  };
  add('source', 'no source', {}, 'refuse');
  add('source', 'empty source', { source: '' }, 'refuse');
  add('source', 'whitespace source', { source: '   ' }, 'refuse');
  add('source', 'source of 201 characters', { source: 's'.repeat(201) }, 'refuse');
  add('source', 'source of 5,000 random characters', { source: noise(5_000, 1) }, 'refuse');
  add('source', 'source of 200 characters (fine)', { source: `${unique} ${'s'.repeat(180)}`.slice(0, 200) }, 'store');
  add('source', 'source with NUL', { source: 'IT\u0000U' }, 'refuse');
  add('source', 'source with escape codes', { source: '\u001b[31mITU' }, 'refuse');
  add('source', 'source as a number', { source: 42 }, 'refuse');
  add('source', 'source as an object', { source: { name: 'ITU' } }, 'refuse');
  add('source', 'right-to-left source (fine)', { source: `\u0645\u0646\u0638\u0645\u0629 ${unique}` }, 'store');
  for (const [field, max] of [['actor', 200], ['actorType', 100], ['title', 1_000], ['kind', 100]] as const) {
    add('long-field', `${field} of ${max + 1} characters`, { source: SOURCE, [field]: 'x'.repeat(max + 1) }, 'refuse');
    add('long-field', `${field} of 50,000 characters`, { source: SOURCE, [field]: noise(50_000, max) }, 'refuse');
    add('control-field', `${field} with a control character`, { source: SOURCE, [field]: 'a\u0008b' }, 'refuse');
  }
  for (const date of ['2013-13-45', '2020-02-30', '2019-02-29', '2021-04-31', '2021-00', '0000', '2021-1-1', '17/10/2013', 'yesterday', '2013-10-17T00:00:00Z', '99999', '', '2013-10-32', '1900-02-29']) {
    add('date', `date "${date}"`, { source: SOURCE, date }, 'refuse');
  }
  for (const date of ['2020-02-29', '2000-02-29', '1996', '2024-12']) add('date', `date "${date}" (fine)`, { source: SOURCE, date }, 'store');
  const badUrls = [
    'javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox', 'file:///etc/passwd',
    'ftp://example.org/a', 'mailto:a@example.org', '//example.org/x', 'example.org', 'http://', 'https://exa mple.org', `https://example.org/${'a'.repeat(2_100)}`, '',
  ];
  for (const url of badUrls) add('url', `url "${url.slice(0, 40)}"`, { source: SOURCE, url }, 'refuse');
  add('url', 'https url (fine)', { source: SOURCE, url: 'https://example.org/a?b=c#d' }, 'store');
  add('language', 'language "english please"', { source: SOURCE, language: 'english please' }, 'refuse');
  add('language', 'language of 100 characters', { source: SOURCE, language: `en-${'x'.repeat(97)}` }, 'refuse');
  add('metadata', 'metadata nested 9 deep', { source: SOURCE, metadata: nested(9) }, 'refuse');
  add('metadata', 'metadata nested 5,000 deep', { source: SOURCE, metadata: nested(5_000) }, 'refuse', `${'{"k":'.repeat(4_999)}{}${'}'.repeat(4_999)}`);
  add('metadata', 'metadata nested 8 deep (fine)', { source: SOURCE, metadata: nested(8) }, 'store');
  add('metadata', 'metadata of 20 KB', { source: SOURCE, metadata: { blob: noise(20_000, 3) } }, 'refuse');
  add('metadata', 'metadata with NUL', { source: SOURCE, metadata: { note: 'a\u0000b' } }, 'refuse');
  add('metadata', 'metadata as an array', { source: SOURCE, metadata: [1, 2] }, 'refuse');
  add('metadata', 'metadata with 2,000 keys', { source: SOURCE, metadata: Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i])) }, 'refuse');
  return cases;
}

/** All document cases of a run: content cases then metadata cases. */
export function documentCases(unique: string, maxDocBytes: number): HostileCase[] {
  return [...contentCases(unique, maxDocBytes), ...metaCases(unique)];
}

/** The first `n` cases of each kind: the reduced set the unit test runs. */
export function firstPerKind<T extends { kind: string }>(cases: T[], n: number): T[] {
  const seen = new Map<string, number>();
  return cases.filter((c) => {
    const k = seen.get(c.kind) ?? 0;
    seen.set(c.kind, k + 1);
    return k < n;
  });
}

/** A good document to put between hostile ones: it must be created whatever came before it. */
export function goodCase(unique: string, i: number): HostileCase {
  const text = `Good document ${i} of ${unique}. States, companies and civil society debate how the Internet is governed.`;
  return { kind: 'good', name: `good ${i}`, file: `good-${i}.txt`, content: utf8(text), meta: { source: SOURCE, date: '2024-05-01', url: 'https://example.org/good' }, expect: 'store' };
}

/** Hostile cases interleaved with a good document every `every` items (and one at the end). */
export function withGoodBetween(unique: string, cases: HostileCase[], every: number): HostileCase[] {
  const out: HostileCase[] = [];
  cases.forEach((c, i) => {
    if (i % every === 0) out.push(goodCase(unique, i));
    out.push(c);
  });
  out.push(goodCase(unique, cases.length));
  return out;
}
