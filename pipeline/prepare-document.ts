import { createHash } from 'node:crypto';
import { formatForFile, SUPPORTED_EXTENSIONS, toPlainText, type DocumentFormat } from './formats.ts';
import { removeFurniture, type RemovedLine } from './furniture.ts';
import { normalizeText } from './normalize.ts';

/** A document ready to store: normalized text, its hash, and what was cut from it. */
export interface PreparedDocument {
  format: DocumentFormat;
  text: string;
  contentHash: string;
  byteLength: number;
  removed: RemovedLine[];
}

export type InputProblem = 'unsupported-type' | 'too-large' | 'binary' | 'invalid-utf8' | 'empty';

/** Why an input cannot be ingested, in words that say what to do about it. */
export interface InputRejection {
  problem: InputProblem;
  message: string;
}

export type PrepareResult = { ok: true; document: PreparedDocument } | { ok: false; rejection: InputRejection };

const reject = (problem: InputProblem, message: string): PrepareResult => ({ ok: false, rejection: { problem, message } });

/** sha256 of normalized text: the natural key that makes re-ingest a no-op. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Checks raw bytes and turns them into a stored document's text: format by file name, size limit,
 * no binary data, valid UTF-8, HTML/Markdown to text, normalization, page furniture removed.
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
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return reject('binary', `file holds binary data (a NUL byte at offset ${nul}); only text files can be ingested`);
  }
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return reject(
      'invalid-utf8',
      `file is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8Offset(bytes)}); re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8)`,
    );
  }
  const { text, removed } = removeFurniture(normalizeText(toPlainText(decoded, format)));
  if (text === '') {
    return reject('empty', 'file has no text (empty, whitespace or page furniture only); check that it is the right file');
  }
  return { ok: true, document: { format, text, contentHash: contentHash(text), byteLength: bytes.byteLength, removed } };
}

/** Byte offset of the first invalid UTF-8 sequence, so a user can find it in a hex editor. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Human-readable byte count (1.5 MB). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}
