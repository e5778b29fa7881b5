import { InvalidArgumentError, type Command } from 'commander';
import { ID_RANGE, parseRowId } from '../app/compare/selection.ts';
import { ConfigError } from '../config/config.ts';
import { calendarDateProblem } from '../pipeline/document-meta.ts';

/** A bad combination or value of options found after parsing: exit code 2 with the message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

// The flags whose names differ from the fields they set (the schemas are the API's too).
const FLAG_OF: Record<string, string> = { language: '--lang', dateFrom: '--from', dateTo: '--to' };

/** The flag that sets a field, for validation messages: `actor_type` -> --actor-type, `language` -> --lang. */
export function flagName(field: string): string {
  return FLAG_OF[field] ?? `--${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/_/g, '-')}`;
}

/** A commander parser for a whole-number option, with a message naming the flag. */
export function intOption(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} takes a whole number, got "${value}"`);
    return n;
  };
}

/** A commander parser collecting whole numbers of a variadic option. */
export function listOption(flag: string): (value: string, previous: number[] | undefined) => number[] {
  const one = intOption(flag);
  return (value, previous) => [...(previous ?? []), one(value)];
}

/** A commander parser for a stored row's id (1 to 2^31-1): a larger number would fail in SQL, not find nothing. */
export function idOption(flag: string): (value: string) => number {
  return (value) => {
    const n = parseRowId(value);
    if (n === undefined) throw new InvalidArgumentError(`${flag} takes an id, ${ID_RANGE}; got "${value}"`);
    return n;
  };
}

/** A commander parser collecting ids of a variadic option. */
export function idListOption(flag: string): (value: string, previous: number[] | undefined) => number[] {
  const one = idOption(flag);
  return (value, previous) => [...(previous ?? []), one(value)];
}

/** Document ids given as arguments; a bad one is a usage error (exit code 2) naming it. */
export function documentIdArgs(args: string[]): number[] {
  return args.map((a) => {
    const n = parseRowId(a);
    if (n === undefined) throw new ConfigError(`"${a}" is not a document id (${ID_RANGE}, as \`stance documents\` shows)`);
    return n;
  });
}

/**
 * A commander parser for a date bound (YYYY, YYYY-MM or YYYY-MM-DD), checked as a date at ingest
 * is, so that 2020-02-30 is named as the mistake it is rather than matching nothing.
 */
export function dateOption(value: string): string {
  const problem = calendarDateProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(problem);
  return value;
}

/** The date and language filters that every listing of documents takes (compare, documents). */
export function dateLanguageOptions(command: Command): Command {
  return command
    .option('--from <date>', 'documents dated on or after (YYYY, YYYY-MM or YYYY-MM-DD)', dateOption)
    .option('--to <date>', 'documents dated on or before', dateOption)
    .option('--lang <tag>', 'documents in this language');
}
