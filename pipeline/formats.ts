import { createRequire } from 'node:module';
import type * as HtmlToText from 'html-to-text';
import type * as HtmlParser2 from 'htmlparser2';
import { projectFile } from '../config/project-files.ts';
import { formatTable } from './html-table.ts';
import { markdownToText } from './markdown.ts';

// The HTML libraries load on the first HTML document rather than at every start of `stance` (they
// took about 40 ms of it). Both ship CommonJS builds, so a synchronous require serves the
// synchronous functions below.
const requireHere = createRequire(projectFile('package.json'));
let htmlLibraries: { convert: typeof HtmlToText.convert; Parser: typeof HtmlParser2.Parser } | undefined;
function loadHtml() {
  htmlLibraries ??= {
    convert: (requireHere('html-to-text') as typeof HtmlToText).convert,
    Parser: (requireHere('htmlparser2') as typeof HtmlParser2).Parser,
  };
  return htmlLibraries;
}

export const FORMATS = ['text', 'markdown', 'html'] as const;
export type DocumentFormat = (typeof FORMATS)[number];

const EXTENSIONS: Record<string, DocumentFormat> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
};

export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS);

/** The format implied by a file name's extension, or undefined when it is not supported. */
export function formatForFile(fileName: string): DocumentFormat | undefined {
  const match = /\.[^./\\]+$/.exec(fileName.toLowerCase());
  return match ? EXTENSIONS[match[0]] : undefined;
}

/** HTML to plain text: scripts, styles, navigation and images dropped; links keep their words only. */
export function htmlToText(html: string): string {
  return loadHtml().convert(html, {
    wordwrap: false,
    formatters: { stanceTable: formatTable },
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'noscript', format: 'skip' },
      { selector: 'form', format: 'skip' },
      // Text a browser does not show: template contents, hidden elements, inline display:none.
      { selector: 'template', format: 'skip' },
      { selector: '[hidden]', format: 'skip' },
      { selector: '[style*="display:none" i]', format: 'skip' },
      { selector: '[style*="display: none" i]', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'h4', options: { uppercase: false } },
      { selector: 'h5', options: { uppercase: false } },
      { selector: 'h6', options: { uppercase: false } },
      { selector: 'table', format: 'stanceTable' },
      { selector: 'ul', options: { itemPrefix: '• ' } },
    ],
  });
}

/** Converts document content in a given format to plain text (before normalization). */
export function toPlainText(content: string, format: DocumentFormat): string {
  if (format === 'html') return htmlToText(content);
  if (format === 'markdown') return markdownToText(content);
  return content;
}

class TooDeep extends Error {}

/**
 * Deepest element nesting of an HTML text as the parser html-to-text uses sees it (implied end
 * tags included), counted up to `limit + 1`: the parser slows down with the depth of its open
 * elements, so counting stops as soon as the answer is "too deep".
 */
export function htmlNestingDepth(html: string, limit: number): number {
  let depth = 0;
  let max = 0;
  const parser = new (loadHtml().Parser)(
    {
      onopentag: () => {
        depth++;
        if (depth > max) max = depth;
        if (depth > limit) throw new TooDeep();
      },
      onclosetag: () => {
        depth--;
      },
    },
    { decodeEntities: true },
  );
  try {
    parser.end(html);
  } catch (err) {
    if (!(err instanceof TooDeep)) throw err;
  }
  return max;
}
