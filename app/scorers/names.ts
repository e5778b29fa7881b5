import type { ScorerDescriptor, ScorerRef } from './types.ts';

/** A scorer name that is malformed or names no known kind; the message lists the known ones. */
export class ScorerNameError extends Error {
  override name = 'ScorerNameError';
}

// Instance names end up in keys, file names and URLs: keep them plain.
const PARAM = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The names a user can give, for messages: "nli, prototype, lexicon, trained:<name>". */
export function knownScorerNames(descriptors: readonly ScorerDescriptor[]): string {
  return descriptors.map((d) => (d.parameterised ? `${d.kind}:<name>` : d.kind)).join(', ');
}

/**
 * Parses "kind" or "kind:name" against the known kinds. A plain kind must not carry a name, a
 * parameterised kind must; the error lists every known scorer.
 */
export function parseScorerName(value: string, descriptors: readonly ScorerDescriptor[]): { ref: ScorerRef; descriptor: ScorerDescriptor } {
  const name = value.trim();
  const colon = name.indexOf(':');
  const kind = colon < 0 ? name : name.slice(0, colon);
  const param = colon < 0 ? undefined : name.slice(colon + 1);
  const descriptor = descriptors.find((d) => d.kind === kind);
  const known = `known scorers: ${knownScorerNames(descriptors)}`;
  if (!descriptor) throw new ScorerNameError(`unknown scorer "${value}"; ${known}`);
  if (descriptor.parameterised && param === undefined) throw new ScorerNameError(`scorer "${kind}" needs a name: ${kind}:<name> (\`stance scorers\` lists them)`);
  if (!descriptor.parameterised && param !== undefined) throw new ScorerNameError(`scorer "${kind}" takes no name (got "${value}"); ${known}`);
  if (param !== undefined && !PARAM.test(param)) {
    throw new ScorerNameError(`scorer "${value}": the name after "${kind}:" must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit`);
  }
  return { ref: { name: param === undefined ? kind : `${kind}:${param}`, kind, param }, descriptor };
}
