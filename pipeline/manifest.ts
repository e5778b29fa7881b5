import { z } from 'zod';
import { documentMetaSchema, type DocumentMeta } from './document-meta.ts';
import { describeZodError } from './issues.ts';

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

const ENTRY_SHAPE = '{"file": "speech.txt", "source": "ITU", ...}';
const entrySchema = z.looseObject(
  {
    file: z
      .string({ error: (iss) => (iss.input === undefined ? '`file` is missing (the path of the document, relative to the manifest)' : '`file` must be text: the path of the document, relative to the manifest') })
      .trim()
      .min(1, '`file` is empty: give the path of the document, relative to the manifest'),
  },
  { error: (iss) => (iss.code === 'invalid_type' ? `an entry must be an object such as ${ENTRY_SHAPE}` : undefined) },
);

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
  const given = (raw as { file?: unknown } | null)?.file;
  const file = typeof given === 'string' && given.trim() !== '' ? given : undefined;
  if (!base.success) return { where, file, message: describeZodError(base.error) };
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
  if (!meta.success) return { where, file: base.data.file, message: describeZodError(meta.error) };
  return { file: base.data.file, meta: meta.data, where };
}

/** A parsed manifest: its entries (sources resolved through its aliases), bad entries, and its alias map. */
export interface Manifest {
  entries: ManifestEntry[];
  errors: ManifestEntryError[];
  /** alias -> canonical source name, from the manifest's `aliases` map. */
  aliases: Record<string, string>;
}

const sourceName = documentMetaSchema.shape.source;

/**
 * Adds an `aliases` map ({"Canonical": ["other name", ...]}) to `into` (alias -> canonical). A name
 * that is an alias of two sources, or both a canonical name and an alias, makes the manifest unusable.
 */
function addAliases(raw: unknown, where: string, into: Record<string, string>): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ManifestError(`${where}: aliases must be an object mapping a canonical source name to a list of other names, e.g. {"ITU": ["International Telecommunication Union"]}`);
  }
  for (const [canonical, names] of Object.entries(raw)) {
    const c = sourceName.safeParse(canonical);
    if (!c.success) throw new ManifestError(`${where}: aliases: "${canonical}": ${describeZodError(c.error)}`);
    if (!Array.isArray(names)) throw new ManifestError(`${where}: aliases: "${canonical}" must map to a list of names`);
    for (const name of names) {
      const a = sourceName.safeParse(name);
      if (!a.success) throw new ManifestError(`${where}: aliases of "${canonical}": ${describeZodError(a.error)}`);
      if (a.data === c.data) continue; // a name is trivially its own
      const previous: string | undefined = into[a.data];
      if (previous !== undefined && previous !== c.data) throw new ManifestError(`${where}: "${a.data}" is an alias of both "${previous}" and "${c.data}"`);
      into[a.data] = c.data;
    }
  }
  for (const canonical of new Set(Object.values(into))) {
    if (into[canonical] !== undefined) throw new ManifestError(`${where}: "${canonical}" is both a canonical name and an alias of "${into[canonical]}"; an alias must name a canonical source`);
  }
}

/**
 * Parses a manifest: JSON (an array of entries or {"documents": [...], "aliases": {...}}) or JSON
 * Lines (one entry a line; a line {"aliases": {...}} declares aliases). Bad entries are returned as
 * errors naming the line or index and the field. An entry whose source is an alias is filed under
 * the canonical name.
 */
export function parseManifest(text: string, fileName: string, defaults: ManifestDefaults = {}): Manifest {
  const aliases: Record<string, string> = {};
  const results = fileName.endsWith('.jsonl') ? parseJsonLines(text, fileName, defaults, aliases) : parseJsonDocument(text, fileName, defaults, aliases);
  const entries: ManifestEntry[] = [];
  const errors: ManifestEntryError[] = [];
  for (const r of results) ('meta' in r ? entries : errors).push(r as never);
  if (entries.length === 0 && errors.length === 0) throw new ManifestError(`${fileName}: the manifest lists no documents`);
  for (const e of entries) e.meta.source = aliases[e.meta.source] ?? e.meta.source;
  return { entries, errors, aliases };
}

function parseJsonLines(text: string, fileName: string, defaults: ManifestDefaults, aliases: Record<string, string>): (ManifestEntry | ManifestEntryError)[] {
  const out: (ManifestEntry | ManifestEntryError)[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `line ${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      out.push({ where, file: undefined, message: `not valid JSON (${(err as Error).message}); a line is one entry such as ${ENTRY_SHAPE}` });
      return;
    }
    // An alias line: {"aliases": {...}} and nothing else.
    if (raw !== null && typeof raw === 'object' && 'aliases' in raw && !('file' in raw)) addAliases((raw as { aliases: unknown }).aliases, `${fileName} ${where}`, aliases);
    else out.push(toEntry(raw, where, defaults));
  });
  return out;
}

function parseJsonDocument(text: string, fileName: string, defaults: ManifestDefaults, aliases: Record<string, string>): (ManifestEntry | ManifestEntryError)[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`${fileName}: not valid JSON: ${(err as Error).message}. A manifest is a JSON array of entries, {"documents": [...]}, or a .jsonl file`, { cause: err });
  }
  const list = Array.isArray(data) ? data : (data as { documents?: unknown })?.documents;
  if (!Array.isArray(data) && (data as { aliases?: unknown })?.aliases !== undefined) addAliases((data as { aliases: unknown }).aliases, fileName, aliases);
  if (!Array.isArray(list)) {
    throw new ManifestError(`${fileName}: expected a JSON array of entries or an object with a "documents" array`);
  }
  return list.map((raw, i) => toEntry(raw, `documents[${i}]`, defaults));
}
