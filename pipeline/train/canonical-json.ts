import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted by code units at every level and arrays of plain values kept on
 * one line: the same value always gives the same bytes, whatever order its keys were built or
 * stored in (Postgres jsonb reorders keys), and a file of long weight vectors stays readable.
 */
export function canonicalJson(value: unknown): string {
  return `${render(value, '')}\n`;
}

function render(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Error(`canonical JSON cannot hold ${value}`);
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    }
    if (value === undefined) throw new Error('canonical JSON cannot hold undefined');
    return JSON.stringify(value);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => render(v, inner)).join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${render(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${render((value as Record<string, unknown>)[k], inner)}`).join(',\n')}\n${indent}}`;
}

/** SHA-256 (hex) of a value's canonical JSON. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

/**
 * A float rounded to 6 significant digits (0 stays 0, -0 becomes 0). Stored weights are
 * rounded so that the artifact does not carry the last bits of the arithmetic, which could
 * differ between machines; predictions are made from the rounded values.
 */
export function roundFloat(x: number): number {
  if (x === 0) return 0;
  return Number(x.toPrecision(6));
}
