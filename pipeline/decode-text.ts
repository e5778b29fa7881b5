import type { InputRejection } from './prepare-document.ts';

/** Decoded text, or why the bytes are not text this project can read. */
export type DecodeResult = { ok: true; text: string; encoding: TextEncoding } | { ok: false; rejection: InputRejection };

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

const BOMS: { encoding: TextEncoding; bytes: number[] }[] = [
  // UTF-32LE first: its BOM starts with UTF-16LE's.
  { encoding: 'utf-32le', bytes: [0xff, 0xfe, 0x00, 0x00] },
  { encoding: 'utf-32be', bytes: [0x00, 0x00, 0xfe, 0xff] },
  { encoding: 'utf-16le', bytes: [0xff, 0xfe] },
  { encoding: 'utf-16be', bytes: [0xfe, 0xff] },
];

const fail = (problem: InputRejection['problem'], message: string): DecodeResult => ({ ok: false, rejection: { problem, message } });

/**
 * Bytes to text: UTF-8 (with or without a byte-order mark), or UTF-16/UTF-32 when a byte-order
 * mark says so. Anything else with NUL bytes is refused as binary, naming UTF-16/32 when the
 * pattern of zero bytes looks like it.
 */
export function decodeText(bytes: Uint8Array): DecodeResult {
  const bom = BOMS.find((b) => b.bytes.every((v, i) => bytes[i] === v));
  if (bom) return decodeWithBom(bytes, bom.encoding, bom.bytes.length);
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const guess = guessWideEncoding(bytes);
    if (guess) {
      return fail('invalid-encoding', `file looks like ${guess} text without a byte-order mark; re-save it as UTF-8 (e.g. iconv -f ${guess} -t utf-8), or with a byte-order mark`);
    }
    return fail('binary', `file holds binary data (a NUL byte at offset ${nul}); only text files can be ingested`);
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return fail(
      'invalid-utf8',
      `file is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8Offset(bytes)}); re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8)`,
    );
  }
}

function decodeWithBom(bytes: Uint8Array, encoding: TextEncoding, bomLength: number): DecodeResult {
  const body = bytes.subarray(bomLength);
  let text: string;
  try {
    text = encoding === 'utf-32le' || encoding === 'utf-32be' ? decodeUtf32(body, encoding === 'utf-32le') : new TextDecoder(encoding, { fatal: true }).decode(body);
  } catch (err) {
    return fail('invalid-encoding', `file starts with a ${encoding.toUpperCase()} byte-order mark but is not valid ${encoding.toUpperCase()} (${(err as Error).message}); re-save it as UTF-8`);
  }
  const nul = text.indexOf('\u0000');
  if (nul !== -1) return fail('binary', `file holds binary data (a NUL character at character ${nul} of the ${encoding.toUpperCase()} text); only text files can be ingested`);
  return { ok: true, text, encoding };
}

/** UTF-32 to a string; TextDecoder has no UTF-32. Throws on a bad length or code point. */
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  if (bytes.byteLength % 4 !== 0) throw new Error(`length ${bytes.byteLength + 4} is not a multiple of 4`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  const batch: number[] = [];
  for (let i = 0; i < bytes.byteLength; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new Error(`U+${cp.toString(16).toUpperCase()} at byte ${i + 4} is not a character`);
    batch.push(cp);
    // fromCodePoint takes its arguments on the stack: convert in slices.
    if (batch.length === 8192) parts.push(String.fromCodePoint(...batch.splice(0)));
  }
  parts.push(String.fromCodePoint(...batch));
  return parts.join('');
}

/** UTF-16 or UTF-32 (and its byte order) when the zero bytes fall where ASCII text in it would put them. */
function guessWideEncoding(bytes: Uint8Array): string | undefined {
  const n = Math.min(bytes.byteLength - (bytes.byteLength % 4), 4096);
  if (n < 4) return undefined;
  const zeros = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) if (bytes[i] === 0) zeros[i % 4] = (zeros[i % 4] ?? 0) + 1;
  const quarter = n / 4;
  const [z0, z1, z2, z3] = zeros as [number, number, number, number];
  const mostly = (z: number) => z >= quarter * 0.9;
  const rarely = (z: number) => z <= quarter * 0.1;
  if (mostly(z1) && mostly(z2) && mostly(z3) && rarely(z0)) return 'UTF-32LE';
  if (mostly(z0) && mostly(z1) && mostly(z2) && rarely(z3)) return 'UTF-32BE';
  if (mostly(z1) && mostly(z3) && rarely(z0) && rarely(z2)) return 'UTF-16LE';
  if (mostly(z0) && mostly(z2) && rarely(z1) && rarely(z3)) return 'UTF-16BE';
  return undefined;
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
