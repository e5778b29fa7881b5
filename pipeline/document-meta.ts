import { z } from 'zod';
import { controlCharacterProblem } from './control-chars.ts';
import { FIELD_LIMITS, MAX_METADATA_BYTES, MAX_METADATA_DEPTH } from './limits.ts';

const SOURCE_REQUIRED = 'source is required (the organisation or forum the text speaks for)';

const controlMessage = (field: string, s: string) => `${field} ${controlCharacterProblem(s) ?? 'holds a control character'}`;

/** A trimmed text field of at most `max` characters, without control characters. */
function boundedText(field: string, max: number) {
  return z
    .string()
    .trim()
    .max(max, { error: (iss) => `${field} is ${(iss.input as string).length} characters long; the limit is ${max}` })
    .refine((s) => controlCharacterProblem(s) === undefined, { error: (iss) => controlMessage(field, iss.input as string) });
}

const optionalText = (field: string, max: number) => boundedText(field, max).min(1, `${field} is empty; leave it out or give a value`).optional();

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Why a YYYY, YYYY-MM or YYYY-MM-DD date is not a calendar date, or undefined when it is one. */
export function calendarDateProblem(date: string): string | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date);
  if (!m) return 'date must be YYYY, YYYY-MM or YYYY-MM-DD';
  const year = Number(m[1]);
  if (year < 1) return `date ${date}: year 0000 does not exist`;
  if (m[2] === undefined) return undefined;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return `date ${date}: month ${m[2]} does not exist (01 to 12)`;
  if (m[3] === undefined) return undefined;
  const day = Number(m[3]);
  const last = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 31);
  if (day < 1 || day > last) return `date ${date}: day ${m[3]} does not exist in that month (01 to ${last})`;
  return undefined;
}

const dateSchema = z
  .string()
  .trim()
  .refine((d) => calendarDateProblem(d) === undefined, { error: (iss) => calendarDateProblem(iss.input as string) ?? 'bad date' });

const urlSchema = z
  .string()
  .trim()
  .max(FIELD_LIMITS.url, { error: (iss) => `url is ${(iss.input as string).length} characters long; the limit is ${FIELD_LIMITS.url}` })
  .pipe(z.url({ protocol: /^https?$/, error: 'url must be an absolute http or https URL such as https://example.org/page' }));

/** Why a metadata object is too deep, too large or not storable as JSON, or undefined when it is fine. */
export function metadataProblem(metadata: Record<string, unknown>): string | undefined {
  // Walked with an explicit stack: input nested 100,000 deep must not overflow ours.
  const stack: { value: unknown; depth: number }[] = [{ value: metadata, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value === 'string' && value.includes('\u0000')) return 'metadata holds a NUL character (U+0000), which cannot be stored; remove it';
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_METADATA_DEPTH) return `metadata is nested more than ${MAX_METADATA_DEPTH} levels deep; the limit is ${MAX_METADATA_DEPTH}: flatten it`;
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) return 'metadata holds a NUL character (U+0000) in a key; remove it';
      stack.push({ value: child, depth: depth + 1 });
    }
  }
  let json: string;
  try {
    json = JSON.stringify(metadata);
  } catch (err) {
    return `metadata cannot be stored as JSON (${(err as Error).message})`;
  }
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_METADATA_BYTES) return `metadata is ${bytes} bytes as JSON; the limit is ${MAX_METADATA_BYTES}: keep large data elsewhere and link it`;
  return undefined;
}

const metadataSchema = z
  .record(z.string(), z.unknown())
  .refine((m) => metadataProblem(m) === undefined, { error: (iss) => metadataProblem(iss.input as Record<string, unknown>) ?? 'bad metadata' });

/** A source name (a document's source, a rename's new name, a merge's sources): required, bounded, no control characters. */
export function sourceNameField(field: string, missing = `${field} is required: a source name`, empty = `${field} is empty: give a source name`) {
  return z.string({ error: missing }).pipe(boundedText(field, FIELD_LIMITS.source).min(1, empty));
}

/** Metadata a researcher gives with a document; only the source is required. Limits: pipeline/limits.ts. */
export const documentMetaSchema = z.object({
  source: sourceNameField('source', SOURCE_REQUIRED, SOURCE_REQUIRED),
  actor: optionalText('actor', FIELD_LIMITS.actor),
  actorType: optionalText('actor_type', FIELD_LIMITS.actorType),
  title: optionalText('title', FIELD_LIMITS.title),
  date: dateSchema.optional(),
  url: urlSchema.optional(),
  language: z
    .string()
    .trim()
    .max(FIELD_LIMITS.language, { error: `language is longer than ${FIELD_LIMITS.language} characters; use a tag such as en, fr or pt-BR` })
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'language must be a language tag such as en, fr or pt-BR')
    .optional(),
  kind: optionalText('kind', FIELD_LIMITS.kind),
  metadata: metadataSchema.optional(),
});

export type DocumentMeta = z.infer<typeof documentMetaSchema>;
