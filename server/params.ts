import type { z } from 'zod';
import { compareParams, evidenceParams, similarParams } from '../app/compare/service.ts';
import { documentListParams } from '../app/documents.ts';
import { issuesOf } from '../pipeline/issues.ts';
import { controlCharacterProblem } from '../pipeline/control-chars.ts';

/**
 * Query strings to the typed parameters of the analyst queries. Each route lists its query
 * parameters (the name in the URL, the schema field it fills, how the text converts); the values
 * are converted, then validated by the same zod schema the CLI uses. The OpenAPI description is
 * generated from the same lists and schemas.
 */

export type ParamKind = 'string' | 'number' | 'boolean' | 'list' | 'number-list';

export interface QueryParam {
  /** The name in the query string. */
  name: string;
  /** The field of the schema it fills. */
  key: string;
  kind: ParamKind;
  description: string;
}

export interface QuerySpec<S extends z.ZodObject = z.ZodObject> {
  schema: S;
  params: QueryParam[];
}

/** A validation problem in terms of the request (query names, body fields). */
export interface ApiIssue {
  path: (string | number)[];
  message: string;
}

// The date and language filters (app/compare/selection.ts), the same on every route that takes them.
const DATE_LANGUAGE_PARAMS: QueryParam[] = [
    { name: 'from', key: 'dateFrom', kind: 'string', description: 'documents dated on or after (YYYY, YYYY-MM or YYYY-MM-DD)' },
    { name: 'to', key: 'dateTo', kind: 'string', description: 'documents dated on or before' },
    { name: 'lang', key: 'language', kind: 'string', description: 'documents in this language' },
];

export const compareQuery: QuerySpec<typeof compareParams> = {
  schema: compareParams,
  params: [
    { name: 'axis', key: 'axis', kind: 'string', description: 'axis slug; without it, every axis (the answer is then `{comparisons: [...]}`)' },
    { name: 'scorer', key: 'scorer', kind: 'string', description: 'scorer name: nli, prototype, lexicon, trained:NAME, ... (default: STANCE_SCORER, else the best one with scores; GET /scorers lists them)' },
    { name: 'by', key: 'by', kind: 'string', description: 'group chunks by source (canonical), actor (the source when none), actor_type (the document\'s, else its source\'s) or document' },
    { name: 'sources', key: 'sources', kind: 'list', description: 'only these sources, by name or alias (comma-separated, or the parameter repeated)' },
    { name: 'documents', key: 'documents', kind: 'number-list', description: 'only these document ids (comma-separated)' },
    ...DATE_LANGUAGE_PARAMS,
    { name: 'seed', key: 'seed', kind: 'number', description: 'seed of the bootstrap and permutation test (same seed, same numbers)' },
    { name: 'iterations', key: 'iterations', kind: 'number', description: 'bootstrap replicates and permutations' },
  ],
};

export const evidenceQuery: QuerySpec<typeof evidenceParams> = {
  schema: evidenceParams,
  params: [
    { name: 'source', key: 'source', kind: 'string', description: 'the source, e.g. ITU' },
    { name: 'axis', key: 'axis', kind: 'string', description: 'axis slug' },
    { name: 'pole', key: 'pole', kind: 'string', description: 'pole slug of that axis' },
    { name: 'scorer', key: 'scorer', kind: 'string', description: 'scorer name: nli, prototype, lexicon, trained:NAME, ... (default: STANCE_SCORER, else the best one with scores; GET /scorers lists them)' },
    { name: 'limit', key: 'limit', kind: 'number', description: 'how many passages' },
  ],
};

export const similarQuery: QuerySpec<typeof similarParams> = {
  schema: similarParams,
  params: [
    { name: 'text', key: 'text', kind: 'string', description: 'a passage to search for (embedded with the embedding model); give text or chunk, not both' },
    { name: 'chunk', key: 'chunk', kind: 'number', description: 'a stored chunk id; give text or chunk, not both' },
    { name: 'other_sources', key: 'otherSources', kind: 'boolean', description: "with chunk: only passages from sources other than the chunk's (true/false; present without a value = true)" },
    { name: 'scorer', key: 'scorer', kind: 'string', description: 'the scorer whose stances are shown (default: STANCE_SCORER, else the best one with scores)' },
    { name: 'limit', key: 'limit', kind: 'number', description: 'how many passages' },
  ],
};

export const documentListQuery: QuerySpec<typeof documentListParams> = {
  schema: documentListParams,
  params: [
    { name: 'source', key: 'sources', kind: 'list', description: 'only documents of these sources, by name or alias (comma-separated, or the parameter repeated)' },
    { name: 'status', key: 'status', kind: 'string', description: 'only documents in this status: queued, processing, done or failed' },
    ...DATE_LANGUAGE_PARAMS,
    { name: 'limit', key: 'limit', kind: 'number', description: 'documents per page (default 50, at most 1000)' },
    { name: 'offset', key: 'offset', kind: 'number', description: 'documents to skip; the next page is offset + limit (`total` says how many match)' },
  ],
};

/** The URL text of a value, converted to what the schema expects; unconvertible text stays text, so zod names the problem. */
function convert(kind: ParamKind, values: string[]): unknown {
  const items = (xs: string[]) => xs.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  switch (kind) {
    case 'list':
      return items(values);
    case 'number-list':
      return items(values).map(toNumber);
    case 'number':
      return toNumber(values[0] as string);
    case 'boolean':
      return toBoolean(values[0] as string);
    default:
      return values[0];
  }
}

function toNumber(s: string): number | string {
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? n : s;
}

function toBoolean(s: string): boolean | string {
  const v = s.trim().toLowerCase();
  if (v === '' || v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  return s;
}

/**
 * The query parameters holding a control character, each named with the problem. Checked before
 * anything reads them: a NUL reached Postgres, whose text cannot hold it, and came back as a 500.
 * The rule is a body's (pipeline/control-chars.ts): tabs and line breaks are text.
 */
export function queryControlIssues(query: Record<string, string[]>): ApiIssue[] {
  return Object.entries(query).flatMap(([name, values]) => {
    const problem = values.map(controlCharacterProblem).find((p) => p !== undefined);
    return problem === undefined ? [] : [{ path: [name], message: problem }];
  });
}

/** Reads, converts and validates a query string; issues name the query parameters, not schema fields. */
export function readQuery<S extends z.ZodObject>(
  spec: QuerySpec<S>,
  query: Record<string, string[]>,
): { ok: true; value: z.output<S> } | { ok: false; issues: ApiIssue[] } {
  const issues: ApiIssue[] = [];
  const raw: Record<string, unknown> = {};
  const known = new Map(spec.params.map((p) => [p.name, p]));
  for (const [name, values] of Object.entries(query)) {
    const param = known.get(name);
    if (!param) {
      issues.push({ path: [name], message: `unknown parameter; this route takes ${spec.params.map((p) => p.name).join(', ')}` });
      continue;
    }
    const [control] = queryControlIssues({ [name]: values });
    if (control) {
      issues.push(control);
      continue;
    }
    if (values.length > 1 && !param.kind.endsWith('list')) {
      issues.push({ path: [name], message: 'given more than once' });
      continue;
    }
    raw[param.key] = convert(param.kind, values);
  }
  if (issues.length) return { ok: false, issues };
  const parsed = spec.schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const nameOf = new Map(spec.params.map((p) => [p.key, p.name]));
  return {
    ok: false,
    issues: issuesOf(parsed.error).map((i) => {
      const [first, ...rest] = i.path;
      const head = typeof first === 'string' ? (nameOf.get(first) ?? first) : first;
      return { path: head === undefined ? [] : [head, ...rest], message: i.message };
    }),
  };
}
