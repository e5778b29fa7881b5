import { AutoTokenizer, env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkText } from '../../pipeline/chunk.ts';
import { decodeText } from '../../pipeline/decode-text.ts';
import { calendarDateProblem, documentMetaSchema } from '../../pipeline/document-meta.ts';
import { describeZodError } from '../../pipeline/issues.ts';
import { MAX_HTML_DEPTH, MAX_METADATA_DEPTH } from '../../pipeline/limits.ts';
import { prepareDocument } from '../../pipeline/prepare-document.ts';
import { FIXTURE_MODELS_DIR } from '../helpers/paths.ts';

const problemOf = (meta: unknown): string => {
  const r = documentMetaSchema.safeParse(meta);
  return r.success ? 'ok' : describeZodError(r.error);
};

/** An object nested `depth` levels deep ({a: {a: ... {}}}), built without recursion. */
function nested(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let cur = root;
  for (let i = 1; i < depth; i++) {
    const next: Record<string, unknown> = {};
    cur.a = next;
    cur = next;
  }
  return root;
}

describe('metadata validation', () => {
  it('keeps YYYY, YYYY-MM and YYYY-MM-DD and refuses dates that are not on the calendar', () => {
    for (const ok of ['2013', '2013-10', '2013-10-17', '2020-02-29', '2000-02-29', '1999-12-31']) expect(calendarDateProblem(ok)).toBeUndefined();
    expect(calendarDateProblem('2013-13-45')).toMatch(/month 13 does not exist/);
    expect(calendarDateProblem('2020-02-30')).toMatch(/day 30 does not exist.*01 to 29/);
    expect(calendarDateProblem('1900-02-29')).toMatch(/day 29 does not exist.*01 to 28/);
    expect(calendarDateProblem('2021-04-31')).toMatch(/day 31/);
    expect(calendarDateProblem('2021-00')).toMatch(/month 00/);
    expect(calendarDateProblem('17/10/2013')).toMatch(/YYYY, YYYY-MM or YYYY-MM-DD/);
    expect(problemOf({ source: 'S', date: '2013-13-45' })).toBe('date 2013-13-45: month 13 does not exist (01 to 12)');
    expect(problemOf({ source: 'S', date: ' 2013-10-17 ' })).toBe('ok');
  });

  it('accepts only http and https URLs', () => {
    expect(problemOf({ source: 'S', url: 'https://example.org/a?b=c' })).toBe('ok');
    expect(problemOf({ source: 'S', url: 'http://example.org' })).toBe('ok');
    for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'ftp://example.org/x', 'vbscript:x', '//example.org', 'example.org']) {
      expect(problemOf({ source: 'S', url: bad }), bad).toBe('url must be an absolute http or https URL such as https://example.org/page');
    }
    expect(problemOf({ source: 'S', url: `https://example.org/${'a'.repeat(2_100)}` })).toMatch(/url is 2120 characters long; the limit is 2048/);
  });

  it('limits field lengths and refuses control characters, naming the field and the limit', () => {
    expect(problemOf({ source: 'x'.repeat(200) })).toBe('ok');
    expect(problemOf({ source: 'x'.repeat(5_000) })).toBe('source is 5000 characters long; the limit is 200');
    expect(problemOf({ source: 'S', actor: 'a'.repeat(201) })).toMatch(/actor is 201 characters long; the limit is 200/);
    expect(problemOf({ source: 'S', title: 't'.repeat(1_001) })).toMatch(/title is 1001 characters long; the limit is 1000/);
    expect(problemOf({ source: 'S', kind: 'k'.repeat(101) })).toMatch(/kind is 101 characters long; the limit is 100/);
    expect(problemOf({ source: 'S', language: 'en-' + 'x'.repeat(40) })).toMatch(/language/);
    expect(problemOf({ source: 'I\u0000TU' })).toMatch(/source holds a control character \(U\+0000 at position 2\)/);
    expect(problemOf({ source: 'S', title: 'a\u001bb' })).toMatch(/U\+001B/);
    // Right-to-left and zero-width characters are text, not control characters.
    expect(problemOf({ source: 'منظمة\u200f', title: 'a\u200bb' })).toBe('ok');
  });

  it('limits metadata depth and size without overflowing on 100,000 levels', () => {
    expect(problemOf({ source: 'S', metadata: nested(MAX_METADATA_DEPTH) })).toBe('ok');
    expect(problemOf({ source: 'S', metadata: nested(MAX_METADATA_DEPTH + 1) })).toMatch(/nested more than 8 levels deep; the limit is 8/);
    expect(problemOf({ source: 'S', metadata: nested(100_000) })).toMatch(/nested more than 8 levels/);
    expect(problemOf({ source: 'S', metadata: { blob: 'x'.repeat(17_000) } })).toMatch(/metadata is 17011 bytes as JSON; the limit is 16384/);
    expect(problemOf({ source: 'S', metadata: { 'k\u0000': 1 } })).toMatch(/NUL/);
    expect(problemOf({ source: 'S', metadata: { n: 1n } })).toMatch(/cannot be stored as JSON/);
  });
});

describe('text encodings', () => {
  const text = 'Gouvernance de l’Internet: État, société civile 😀.';
  const bom = (bytes: number[], body: Buffer) => Buffer.concat([Buffer.from(bytes), body]);
  const utf32 = (s: string, le: boolean) => {
    const cps = Array.from(s, (c) => c.codePointAt(0) ?? 0);
    const b = Buffer.alloc(cps.length * 4);
    cps.forEach((cp, i) => (le ? b.writeUInt32LE(cp, i * 4) : b.writeUInt32BE(cp, i * 4)));
    return b;
  };
  const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();

  it('decodes UTF-8 (with or without BOM), UTF-16 and UTF-32 with a byte-order mark', () => {
    const cases: [string, Buffer][] = [
      ['utf-8', Buffer.from(text)],
      ['utf-8', bom([0xef, 0xbb, 0xbf], Buffer.from(text))],
      ['utf-16le', bom([0xff, 0xfe], Buffer.from(text, 'utf16le'))],
      ['utf-16be', bom([0xfe, 0xff], utf16be(text))],
      ['utf-32le', bom([0xff, 0xfe, 0, 0], utf32(text, true))],
      ['utf-32be', bom([0, 0, 0xfe, 0xff], utf32(text, false))],
    ];
    for (const [encoding, bytes] of cases) expect(decodeText(bytes), encoding).toEqual({ ok: true, text, encoding });
    const prepared = prepareDocument(bom([0xff, 0xfe], Buffer.from(text, 'utf16le')), 'a.txt', 1e6);
    expect(prepared.ok && prepared.document.text).toBe(text);
  });

  it('names UTF-16/32 without a byte-order mark, and refuses a broken one as such', () => {
    const ascii = 'Plain ASCII text saved in a wide encoding.';
    expect(decodeText(Buffer.from(ascii, 'utf16le'))).toMatchObject({ ok: false, rejection: { problem: 'invalid-encoding', message: expect.stringMatching(/UTF-16LE text without a byte-order mark; re-save it as UTF-8/) } });
    expect(decodeText(utf16be(ascii))).toMatchObject({ rejection: { message: expect.stringMatching(/UTF-16BE/) } });
    expect(decodeText(utf32(ascii, true))).toMatchObject({ rejection: { message: expect.stringMatching(/UTF-32LE/) } });
    expect(decodeText(Buffer.from([1, 2, 0, 3]))).toMatchObject({ rejection: { problem: 'binary' } });
    // A lone surrogate, a length that is not a multiple of 4, a code point past U+10FFFF.
    expect(decodeText(bom([0xff, 0xfe], Buffer.from([0x00, 0xd8, 0x41, 0x00])))).toMatchObject({ rejection: { problem: 'invalid-encoding', message: expect.stringMatching(/UTF-16LE byte-order mark but is not valid UTF-16LE/) } });
    expect(decodeText(bom([0xff, 0xfe, 0, 0], Buffer.from([0x41, 0, 0])))).toMatchObject({ rejection: { problem: 'invalid-encoding' } });
    expect(decodeText(bom([0, 0, 0xfe, 0xff], Buffer.from([0, 0x11, 0, 0])))).toMatchObject({ rejection: { problem: 'invalid-encoding', message: expect.stringMatching(/U\+110000/) } });
    expect(decodeText(bom([0xff, 0xfe], Buffer.from('a\u0000b', 'utf16le')))).toMatchObject({ rejection: { problem: 'binary' } });
  });
});

describe('HTML nesting', () => {
  const html = (depth: number, open = '<div>', close = '</div>') => `${open.repeat(depth)}Deep text about governance.${close.repeat(depth)}`;

  it('refuses HTML nested past the limit with the depth and the limit, instead of a RangeError', () => {
    const r = prepareDocument(Buffer.from(html(3_000)), 'deep.html', 5e6);
    expect(r).toEqual({ ok: false, rejection: { problem: 'too-deep', message: expect.stringMatching(/HTML is nested more than 512 elements deep; the limit is 512/) } });
    // Nested lists are what overflows html-to-text first (near 1,000 list/item pairs).
    const lists = prepareDocument(Buffer.from(html(1_200, '<ul><li>', '</li></ul>')), 'lists.html', 5e6);
    expect(lists.ok).toBe(false);
  });

  it('converts HTML at the limit, including nested lists', () => {
    const r = prepareDocument(Buffer.from(html(MAX_HTML_DEPTH / 2, '<ul><li>', '</li></ul>')), 'lists.html', 5e6);
    expect(r.ok && r.document.text).toMatch(/Deep text about governance\./);
    // Unclosed <p> and <li> close implicitly: thousands of them are siblings, not depth.
    const flat = prepareDocument(Buffer.from('<p>One paragraph.'.repeat(3_000)), 'flat.html', 5e6);
    expect(flat.ok).toBe(true);
  });
});

describe('long words and the token budget', () => {
  let countWordPiece: (s: string) => number = () => 0;
  beforeAll(async () => {
    env.localModelPath = FIXTURE_MODELS_DIR;
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    const tok = await AutoTokenizer.from_pretrained('tiny-random-nli');
    countWordPiece = (s) => tok.encode(s, { add_special_tokens: false }).length;
  });

  it('cuts a 100,000-character word into chunks of at most the budget in characters', () => {
    // WordPiece reads any word over 100 characters as one [UNK] token.
    expect(countWordPiece('x'.repeat(100_000))).toBe(1);
    const text = `Intro sentence. ${'abcdefghij'.repeat(10_000)} end.`;
    const chunks = chunkText(text, { maxTokens: 200, countTokens: countWordPiece });
    expect(chunks.length).toBeGreaterThanOrEqual(500);
    for (const c of chunks) {
      expect(text.slice(c.start, c.end)).toBe(c.text);
      expect(c.tokenCount).toBeLessThanOrEqual(200);
      // One token per character at most, whatever the tokenizer says of the run.
      expect(c.text.length).toBeLessThanOrEqual(200);
    }
    // Nothing lost or repeated: the chunks, in order and without overlap, hold every letter.
    const letters = (s: string) => s.replace(/\s/g, '').length;
    expect(chunks.reduce((n, c) => n + letters(c.text), 0)).toBe(letters(text));
    expect(chunks.every((c, i) => i === 0 || c.start >= (chunks[i - 1]?.end ?? 0))).toBe(true);
  });

  it('counts ordinary text with the tokenizer as before', () => {
    const text = 'The Internet should be governed by all stakeholders. States have a role as well.';
    const [chunk] = chunkText(text, { maxTokens: 200, countTokens: countWordPiece });
    expect(chunk?.tokenCount).toBe(countWordPiece(text));
  });
});
