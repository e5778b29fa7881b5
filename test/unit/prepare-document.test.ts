import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../pipeline/normalize.ts';
import { contentHash, firstInvalidUtf8Offset, prepareDocument } from '../../pipeline/prepare-document.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const MAX = 1_000_000;

describe('normalizeText', () => {
  it('applies NFC, unifies newlines and spaces, trims lines and keeps one blank line between paragraphs', () => {
    const decomposed = 'Cafe\u0301';
    const text = normalizeText(`  ${decomposed}\u00a0 au\tlait \r\n\r\n\r\n\r\nSecond\u200b para.  \n`);
    expect(text).toBe('Café au lait\n\nSecond para.');
  });
});

describe('prepareDocument', () => {
  it('accepts plain text and hashes the normalized text', () => {
    const r = prepareDocument(enc('Hello  world.\n'), 'a.txt', MAX);
    expect(r.ok && r.document.text).toBe('Hello world.');
    expect(r.ok && r.document.contentHash).toBe(contentHash('Hello world.'));
  });

  it('gives texts that differ only in spacing and Unicode form the same hash', () => {
    const a = prepareDocument(enc('Caf\u00e9 society.'), 'a.txt', MAX);
    const b = prepareDocument(enc('Cafe\u0301   society.\r\n'), 'b.txt', MAX);
    expect(a.ok && b.ok && a.document.contentHash === b.document.contentHash).toBe(true);
  });

  it('turns HTML into text, dropping scripts, styles and navigation', () => {
    const html =
      '<html><head><style>p{color:red}</style><script>alert("x")</script></head><body><nav>Home | About</nav>' +
      '<h1>Internet governance</h1><p>All stakeholders &amp; states <a href="/x">meet</a>.</p><ul><li>One</li><li>Two</li></ul></body></html>';
    const r = prepareDocument(enc(html), 'page.HTML', MAX);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.document.format).toBe('html');
    expect(r.document.text).toContain('Internet governance');
    expect(r.document.text).toContain('All stakeholders & states meet.');
    expect(r.document.text).toContain('• One');
    for (const gone of ['alert', 'color:red', 'About', '/x']) expect(r.document.text).not.toContain(gone);
  });

  it('turns Markdown into text', () => {
    const r = prepareDocument(enc('# Title\n\nSome **bold** and [a link](http://x.org).\n\n- item\n'), 'n.md', MAX);
    expect(r.ok && r.document.text).toBe('Title\n\nSome bold and a link.\n\n• item');
  });

  it.each([
    ['empty file', '', 'x.txt', 'empty', /no text/],
    ['whitespace only', ' \n\t\n  ', 'x.txt', 'empty', /no text/],
    ['furniture only', 'Print Version\nShare it\n', 'x.txt', 'empty', /page furniture only/],
    ['unsupported type', 'text', 'report.pdf', 'unsupported-type', /unsupported file type; use one of \.txt/],
    ['no extension', 'text', 'README', 'unsupported-type', /unsupported file type/],
  ])('rejects %s', (_name, content, file, problem, message) => {
    const r = prepareDocument(enc(content), file, MAX);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejection.problem).toBe(problem);
    expect(r.rejection.message).toMatch(message);
  });

  it('rejects binary data with the offset of the NUL byte', () => {
    const r = prepareDocument(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x10]), 'x.txt', MAX);
    expect(!r.ok && r.rejection.problem).toBe('binary');
    expect(!r.ok && r.rejection.message).toMatch(/NUL byte at offset 4/);
  });

  it('rejects invalid UTF-8 with the offset of the first bad byte and a fix', () => {
    const latin1 = new Uint8Array([...enc('Bogot'), 0xe1, ...enc(' y m\u00e1s')]);
    const r = prepareDocument(latin1, 'x.txt', MAX);
    expect(!r.ok && r.rejection.problem).toBe('invalid-utf8');
    expect(!r.ok && r.rejection.message).toMatch(/not valid UTF-8 \(first bad byte at offset 5\).*iconv/);
  });

  it('rejects a document over the size limit, naming both sizes and the variable', () => {
    const r = prepareDocument(new Uint8Array(2_500_000).fill(0x61), 'big.txt', 2_000_000);
    expect(!r.ok && r.rejection.problem).toBe('too-large');
    expect(!r.ok && r.rejection.message).toMatch(/2\.5 MB, over the limit of 2\.0 MB.*STANCE_MAX_DOC_BYTES/);
  });
});

describe('firstInvalidUtf8Offset', () => {
  it('finds truncated and overlong sequences and accepts valid text', () => {
    expect(firstInvalidUtf8Offset(enc('ok ✓ 😀'))).toBe(-1);
    expect(firstInvalidUtf8Offset(new Uint8Array([0x61, 0xe2, 0x9c]))).toBe(1);
    expect(firstInvalidUtf8Offset(new Uint8Array([0xc0, 0x80]))).toBe(0);
  });
});
