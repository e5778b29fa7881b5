import { describe, expect, it } from 'vitest';
import { markdownToText, type ScanWork } from '../../pipeline/markdown.ts';

/** The regular-expression chain markdownToText replaced: the specification of its output. */
function reference(md: string): string {
  return md
    .replace(/^```.*$/gm, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$/gm, '$1')
    .replace(/^[ \t]{0,3}>[ \t]?/gm, '')
    .replace(/^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$/gm, '')
    .replace(/^[ \t]*[-*+][ \t]+/gm, '• ')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(?<![\w*])[*_]([^*_\n]+)[*_](?![\w*])/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/<\/?[a-z][^>]*>/gi, '');
}

describe('markdownToText', () => {
  it.each([
    ['headings', '# Title\n## Sub ##\n###   Spaced   #  \n#NoSpace', 'Title\nSub\nSpaced\n#NoSpace'],
    ['links and images', 'See [the report](http://x.org/a) and ![a chart](c.png).', 'See the report and a chart.'],
    ['emphasis and code', 'Some **bold**, __strong__, *em*, _em_ and `code`.', 'Some bold, strong, em, em and code.'],
    ['lists, quotes and rules', '- one\n* two\n> quoted\n---\n* * *\ntext', '• one\n• two\nquoted\n\n\ntext'],
    ['fences, comments and tags', '```ts\ncode\n```\n<!-- note -->Kept <b>bold</b> <br/>', '\ncode\n\nKept bold '],
  ])('converts %s', (_name, md, text) => {
    expect(markdownToText(md)).toBe(text);
  });

  it('gives the output of the regular-expression chain on random markup', () => {
    const pieces = ['[', ']', '(', ')', '![', '<a', '<!--', '-->', '>', '#', '# ', ' ', '\t', '\n', '\r', 'a', 'B', '/', '-', '*', '_', '`', '$1', '```', '\u2028'];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 20_000; i++) {
      const md = Array.from({ length: next(30) }, () => pieces[next(pieces.length)]).join('');
      expect(markdownToText(md), JSON.stringify(md)).toBe(reference(md));
    }
  });

  // Each of these made the old chain scan to the end of the text from every opener, or backtrack
  // over a line: hours at 1 MB. The hand-written scans must read each character a bounded number of
  // times, which is counted, not timed.
  const n = 1_000_000;
  it.each([
    ['"<a" without ">"', '<a'.repeat(n / 2), '<a'.repeat(n / 2)],
    ['"[a](" without ")"', '[a]('.repeat(n / 4), '[a]('.repeat(n / 4)],
    ['"![a](" without ")"', '![a]('.repeat(n / 5), '![a]('.repeat(n / 5)],
    ['"[a" then one "]"', `${'[a'.repeat(n / 2)}]`, `${'[a'.repeat(n / 2)}]`],
    ['"<!--" without "-->"', '<!--'.repeat(n / 4), '<!--'.repeat(n / 4)],
    ['"[a](b)" links', '[a](b)'.repeat(n / 6), 'a'.repeat(n / 6)],
    ['a heading with a run of blanks', `# a${' '.repeat(n)}x`, `a${' '.repeat(n)}x`],
    ['a heading of " #" pairs', `# a${' #'.repeat(n / 2)} `, `a${' #'.repeat(n / 2 - 1)}`],
    ['a line of "- " ending in a word', `${'- '.repeat(n / 2)}x`, `• ${'- '.repeat(n / 2 - 1)}x`],
  ])('converts %s (1 MB) reading each character a bounded number of times', (_name, md, text) => {
    const work: ScanWork = { chars: 0 };
    expect(markdownToText(md, work)).toBe(text);
    expect(work.chars).toBeGreaterThanOrEqual(md.length);
    expect(work.chars).toBeLessThanOrEqual(6 * md.length);
  });
});
