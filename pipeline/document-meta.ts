import { z } from 'zod';

const trimmed = z.string().trim();
const SOURCE_REQUIRED = 'source is required (the organisation or forum the text speaks for)';
const optionalText = trimmed.min(1).optional();

/** Metadata a researcher gives with a document; only the source is required. */
export const documentMetaSchema = z.object({
  source: z.string({ error: SOURCE_REQUIRED }).trim().min(1, SOURCE_REQUIRED),
  actor: optionalText,
  actorType: optionalText,
  title: optionalText,
  date: trimmed
    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'date must be YYYY, YYYY-MM or YYYY-MM-DD')
    .optional(),
  url: z.url('url must be an absolute URL such as https://example.org/page').optional(),
  language: trimmed
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'language must be a language tag such as en, fr or pt-BR')
    .optional(),
  kind: optionalText,
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export type DocumentMeta = z.infer<typeof documentMetaSchema>;

/** Formats zod issues as "field: message" phrases for error lines. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'entry'}: ${i.message}`).join('; ');
}
