import type { z } from 'zod';

/**
 * Validation problems as text, the one place where zod issues become the words a user reads (the
 * CLI, the API, ingest and manifests). Each interface spells a field its own way (`language` in a
 * body, `--lang` on the command line), so the field names are rendered by the caller's naming.
 *
 * Messages written here name fields two ways, both rendered by the naming:
 * - a message may start with its own field ("date 2013-13-45: month 13 does not exist"), which then
 *   stands for the "field: " prefix rather than following it ("date: date 2013-13-45: ...");
 * - a field named in the text is quoted, "give exactly one of `text` or `chunk`".
 */

/** One problem: the field path (empty: the whole input) and what is wrong. */
export interface Issue {
  path: (string | number)[];
  message: string;
}

/** How an interface spells a field, e.g. the CLI's flags; undefined: the field's own name. */
export type FieldNaming = (field: string) => string;

/**
 * A zod error's issues. An unknown key is an issue of that key (one per key): the path names the
 * field to remove, as every other issue's path names the field to correct.
 */
export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.flatMap((i) => {
    const path = i.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (i.code === 'unrecognized_keys') return i.keys.map((key) => ({ path: [...path, key], message: i.message }));
    return [{ path, message: i.message }];
  });
}

const pathText = (path: readonly (string | number)[], name: FieldNaming | undefined): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${i === 0 && name ? name(p) : p}`)).join('');

const QUOTED = /`([A-Za-z_][A-Za-z0-9_]*)`/g;

/** One issue as text: "where: what", or the message alone when it already says where. */
export function issueText(issue: Issue, name?: FieldNaming): string {
  // Quoted fields in the text are spelled the naming's way, unquoted (a flag needs no quotes); without a naming, as written.
  const spell = (text: string) => (name ? text.replace(QUOTED, (_, f: string) => name(f)) : text);
  const last = issue.path.at(-1);
  const lead = typeof last === 'string' ? leadingField(issue.message, last) : undefined;
  if (typeof last === 'string' && lead !== undefined) {
    // The message starts with its field: that says where, in place of a "field: " prefix. Its own
    // spelling stays (actorType is "actor_type" in a message), unless the naming has one.
    const parent = issue.path.slice(0, -1);
    const field = name && parent.length === 0 ? name(last) : lead;
    return `${parent.length ? `${pathText(parent, name)}.` : ''}${field}${spell(issue.message.slice(lead.length))}`;
  }
  return issue.path.length ? `${pathText(issue.path, name)}: ${spell(issue.message)}` : spell(issue.message);
}

/** The field a message starts with, as written ("date", "`file`", "actor_type" for actorType), if it is `field`. */
function leadingField(message: string, field: string): string | undefined {
  const m = /^`?[A-Za-z_][A-Za-z0-9_]*`?(?=[\s:;,(]|$)/.exec(message);
  const squash = (s: string) => s.replace(/[`_]/g, '').toLowerCase();
  return m && squash(m[0]) === squash(field) ? m[0] : undefined;
}

/** A zod error as one line (see describeIssues). */
export function describeZodError(error: z.ZodError, name?: FieldNaming): string {
  return describeIssues(issuesOf(error), name);
}

/** The issues as one line, "a: what; b: what", each text once. */
export function describeIssues(issues: readonly Issue[], name?: FieldNaming): string {
  return [...new Set(issues.map((i) => issueText(i, name)))].join('; ');
}
