import { createHash } from 'node:crypto';
import { decodeText } from './decode-text.ts';
import { formatForFile, htmlNestingDepth, SUPPORTED_EXTENSIONS, toPlainText, type DocumentFormat } from './formats.ts';
import { removeFurniture, type RemovedLine } from './furniture.ts';
import { MAX_HTML_DEPTH } from './limits.ts';
import { normalizeText } from './normalize.ts';

/** A document ready to store: normalized text, its hash, and what was cut from it. */
export interface PreparedDocument {
  format: DocumentFormat;
  text: string;
  contentHash: string;
  byteLength: number;
  removed: RemovedLine[];
}

export type InputProblem = 'unsupported-type' | 'too-large' | 'binary' | 'invalid-utf8' | 'invalid-encoding' | 'too-deep' | 'empty';

/** Why an input cannot be ingested, in words that say what to do about it. */
export interface InputRejection {
  problem: InputProblem;
  message: string;
}

export type PrepareResult = { ok: true; document: PreparedDocument } | { ok: false; rejection: InputRejection };

export const reject = (problem: InputProblem, message: string): PrepareResult => ({ ok: false, rejection: { problem, message } });

/** sha256 of normalized text: the natural key that makes re-ingest a no-op. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Checks raw bytes and turns them into a stored document's text: format by file name, size limit,
 * no binary data, valid UTF-8 (or UTF-16/32 with a byte-order mark), HTML nesting depth,
 * HTML/Markdown to text, normalization, page furniture removed.
 */
export function prepareDocument(bytes: Uint8Array, fileName: string, maxBytes: number): PrepareResult {
  const format = formatForFile(fileName);
  if (!format) {
    return reject(
      'unsupported-type',
      `unsupported file type; use one of ${SUPPORTED_EXTENSIONS.join(', ')} (convert PDF or Word files to text first)`,
    );
  }
  if (bytes.byteLength > maxBytes) {
    return reject(
      'too-large',
      `file is ${formatBytes(bytes.byteLength)}, over the limit of ${formatBytes(maxBytes)}; split it or raise STANCE_MAX_DOC_BYTES`,
    );
  }
  const decoded = decodeText(bytes);
  if (!decoded.ok) return decoded;
  let plain: string;
  if (format === 'html') {
    if (htmlNestingDepth(decoded.text, MAX_HTML_DEPTH) > MAX_HTML_DEPTH) {
      return reject('too-deep', `HTML is nested more than ${MAX_HTML_DEPTH} elements deep; the limit is ${MAX_HTML_DEPTH}. Simplify the markup, or save the page as plain text`);
    }
  }
  try {
    plain = toPlainText(decoded.text, format);
  } catch (err) {
    // The depth check keeps the converter's recursion in bounds; this is the guard if it is not enough.
    if (err instanceof RangeError) return reject('too-deep', `the ${format} is too deeply nested to convert; simplify the markup, or save it as plain text`);
    throw err;
  }
  const { text, removed } = removeFurniture(normalizeText(plain));
  if (text === '') {
    return reject('empty', 'file has no text (empty, whitespace or page furniture only); check that it is the right file');
  }
  return { ok: true, document: { format, text, contentHash: contentHash(text), byteLength: bytes.byteLength, removed } };
}

export { firstInvalidUtf8Offset } from './decode-text.ts';

/** Human-readable byte count (1.5 MB). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}
