import { z } from 'zod';
import { describeIssues, documentMetaSchema, type DocumentMeta } from './document-meta.ts';

/** One manifest entry: a file (relative to the manifest) and its metadata. */
export interface ManifestEntry {
  file: string;
  meta: DocumentMeta;
  /** Where the entry stands, for messages: "line 4" (JSONL) or "documents[3]" (JSON). */
  where: string;
}

/** An entry that could not be read; the others of the manifest still go ahead. */
export interface ManifestEntryError {
  where: string;
  file: string | undefined;
  message: string;
}

/** Error for a manifest that cannot be read at all (not JSON, wrong top-level shape). */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

// Manifests in the wild (ours and ../shared/corpus) use snake_case; anything unknown is kept as metadata.
const KNOWN = new Set(['file', 'source', 'actor', 'actor_type', 'actorType', 'title', 'date', 'url', 'language', 'lang', 'kind']);

const entrySchema = z.looseObject({ file: z.string().trim().min(1, 'file is required') });

/**
 * Metadata for the entries that leave a field out (`stance ingest --manifest M --source S ...`):
 * an entry's own value always wins.
 */
export interface ManifestDefaults {
  source?: string;
  actor?: string;
  actor_type?: string;
  title?: string;
  date?: string;
  url?: string;
  language?: string;
  kind?: string;
}

function toEntry(raw: unknown, where: string, defaults: ManifestDefaults): ManifestEntry | ManifestEntryError {
  const base = entrySchema.safeParse(raw);
  const file = typeof (raw as { file?: unknown })?.file === 'string' ? (raw as { file: string }).file : undefined;
  if (!base.success) return { where, file, message: describeIssues(base.error) };
  const r = base.data as Record<string, unknown>;
  const metadata = Object.fromEntries(Object.entries(r).filter(([k]) => !KNOWN.has(k)));
  const meta = documentMetaSchema.safeParse({
    source: r.source ?? defaults.source,
    actor: r.actor ?? defaults.actor,
    actorType: r.actor_type ?? r.actorType ?? defaults.actor_type,
    title: r.title ?? defaults.title,
    date: r.date ?? defaults.date,
    url: r.url ?? defaults.url,
    language: r.language ?? r.lang ?? defaults.language,
    kind: r.kind ?? defaults.kind,
    metadata,
  });
  if (!meta.success) return { where, file: base.data.file, message: describeIssues(meta.error) };
  return { file: base.data.file, meta: meta.data, where };
}

/**
 * Parses a manifest: JSON (an array of entries or {"documents": [...]}) or JSON Lines (one entry a
 * line). Bad entries are returned as errors naming the line or index and the field.
 */
export function parseManifest(text: string, fileName: string, defaults: ManifestDefaults = {}): { entries: ManifestEntry[]; errors: ManifestEntryError[] } {
  const results = fileName.endsWith('.jsonl') ? parseJsonLines(text, fileName, defaults) : parseJsonDocument(text, fileName, defaults);
  const entries: ManifestEntry[] = [];
  const errors: ManifestEntryError[] = [];
  for (const r of results) ('meta' in r ? entries : errors).push(r as never);
  if (entries.length === 0 && errors.length === 0) throw new ManifestError(`${fileName}: the manifest lists no documents`);
  return { entries, errors };
}

function parseJsonLines(text: string, fileName: string, defaults: ManifestDefaults): (ManifestEntry | ManifestEntryError)[] {
  const out: (ManifestEntry | ManifestEntryError)[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `line ${i + 1}`;
    try {
      out.push(toEntry(JSON.parse(line), where, defaults));
    } catch (err) {
      out.push({ where, file: undefined, message: `not valid JSON (${(err as Error).message}) in ${fileName}` });
    }
  });
  return out;
}

function parseJsonDocument(text: string, fileName: string, defaults: ManifestDefaults): (ManifestEntry | ManifestEntryError)[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`${fileName}: not valid JSON: ${(err as Error).message}. A manifest is a JSON array of entries, {"documents": [...]}, or a .jsonl file`, { cause: err });
  }
  const list = Array.isArray(data) ? data : (data as { documents?: unknown })?.documents;
  if (!Array.isArray(list)) {
    throw new ManifestError(`${fileName}: expected a JSON array of entries or an object with a "documents" array`);
  }
  return list.map((raw, i) => toEntry(raw, `documents[${i}]`, defaults));
}
