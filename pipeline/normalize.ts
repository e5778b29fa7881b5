import { collapseBlankLines } from './furniture.ts';

// Space-like characters that copy-pasted web text is full of (NBSP, thin spaces, ideographic space).
const SPACES = /[\t\v\f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+/g;
// Invisible characters that change a hash without changing the text a reader sees.
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;

/**
 * Normalizes text for storage and hashing: Unicode NFC, one kind of newline, no invisible
 * characters, single spaces, trimmed lines, paragraphs separated by exactly one blank line.
 */
export function normalizeText(text: string): string {
  const lines = text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(INVISIBLE, '')
    .replace(SPACES, ' ')
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim());
  return collapseBlankLines(lines.join('\n'));
}
