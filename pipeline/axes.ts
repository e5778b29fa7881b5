import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Labels every axis has besides its two poles. */
export const NON_POLE_LABELS = ['neutral', 'irrelevant'] as const;

const slug = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'must be lower-case letters, digits and _ (starting with a letter)');
const sentences = (what: string, one: string) =>
  z.array(z.string().trim().min(1, `${what} must not be empty strings`)).min(1, `needs at least one ${one}`);

// Strict objects: a misspelt key ("exemplar", "relevence") must be an error, not silently ignored.
const poleSchema = z.strictObject({
  slug: slug.refine((s) => !(NON_POLE_LABELS as readonly string[]).includes(s), 'must not be "neutral" or "irrelevant" (reserved labels)'),
  label: z.string().trim().min(1),
  hypotheses: sentences('hypotheses', 'hypothesis'),
  exemplars: z.array(z.string().trim().min(1)).default([]),
});

const axisSchema = z
  .strictObject({
    slug,
    label: z.string().trim().min(1),
    description: z.string().optional(),
    poles: z.tuple([poleSchema, poleSchema], { error: 'poles must be a list of exactly two poles: [pole A (-1), pole B (+1)]' }),
    relevance: z.strictObject({ hypotheses: sentences('hypotheses', 'hypothesis') }).optional(),
    thresholds: z
      .strictObject({
        relevance: z.number().gt(0, 'must be greater than 0 (at 0 every chunk would be relevant)').max(1).default(0.5),
        margin: z.number().min(0).max(1).default(0.15),
      })
      .default({ relevance: 0.5, margin: 0.15 }),
  })
  .superRefine((axis, ctx) => {
    if (axis.poles[0].slug === axis.poles[1].slug) {
      ctx.addIssue({ code: 'custom', path: ['poles', 1, 'slug'], message: `both poles are called "${axis.poles[0].slug}"` });
    }
  });

const fileSchema = z.object({ axes: z.array(axisSchema).min(1, 'the file defines no axes') }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.axes.forEach((a, i) => {
    if (seen.has(a.slug)) ctx.addIssue({ code: 'custom', path: ['axes', i, 'slug'], message: `duplicate axis slug "${a.slug}"` });
    seen.add(a.slug);
  });
});

export type AxisDefinition = z.infer<typeof axisSchema>;

/** An axis with its version: the hash of its definition, so scores name exactly what produced them. */
export interface Axis extends AxisDefinition {
  version: string;
}

/** Error for an axes file that cannot be used; the message names the file and the field. */
export class AxisError extends Error {
  override name = 'AxisError';
}

/** Validates parsed axis-file JSON and returns the axes with their versions. */
export function parseAxes(data: unknown, fileName: string): Axis[] {
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${formatPath(data, i.path)}: ${i.message}`);
    throw new AxisError(`${fileName}: invalid axis definitions:\n${lines.join('\n')}`);
  }
  return parsed.data.axes.map((a) => ({ ...a, version: axisVersion(a) }));
}

// "axes[1] (security_rights).poles[0].hypotheses" reads better than a bare index path.
function formatPath(data: unknown, path: PropertyKey[]): string {
  let out = '';
  let node: unknown = data;
  for (const key of path) {
    node = (node as Record<PropertyKey, unknown> | undefined)?.[key];
    out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
    const s = (node as { slug?: unknown } | undefined)?.slug;
    if (typeof key === 'number' && typeof s === 'string') out += ` (${s})`;
  }
  return out || '(file)';
}

/** Stable hash of an axis definition (key order does not matter). */
export function axisVersion(def: AxisDefinition | Axis): string {
  const { version: _ignored, ...definition } = def as Axis;
  return createHash('sha256').update(canonicalJson(definition)).digest('hex').slice(0, 12);
}

/** JSON with object keys sorted, so equal definitions hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The four labels of an axis in a fixed order: pole A, pole B, neutral, irrelevant. */
export function axisLabels(axis: AxisDefinition): string[] {
  return [axis.poles[0].slug, axis.poles[1].slug, ...NON_POLE_LABELS];
}

/** Picks axes by slug; an unknown slug is an error that lists the known ones. */
export function selectAxes(axes: Axis[], slugs: string[] | undefined): Axis[] {
  if (!slugs || slugs.length === 0) return axes;
  return slugs.map((s) => {
    const found = axes.find((a) => a.slug === s);
    if (!found) throw new AxisError(`unknown axis "${s}"; known axes: ${axes.map((a) => a.slug).join(', ')}`);
    return found;
  });
}

/** The index (0 = A, 1 = B) of a pole by slug; an unknown pole is an error naming the axis's poles. */
export function poleIndex(axis: AxisDefinition, pole: string): 0 | 1 {
  if (axis.poles[0].slug === pole) return 0;
  if (axis.poles[1].slug === pole) return 1;
  throw new AxisError(`unknown pole "${pole}" for axis ${axis.slug}; its poles are ${axis.poles[0].slug} and ${axis.poles[1].slug}`);
}
