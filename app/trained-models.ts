import { existsSync, readFileSync } from 'node:fs';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { trainedModels } from '../db/schema/index.ts';
import { ArtifactError, parseArtifact, type ModelArtifact } from '../pipeline/train/artifact.ts';
import { projectFile } from '../config/project-files.ts';

/** A stored model: its row and artifact. */
export interface StoredModel {
  id: number;
  name: string;
  kind: 'trained' | 'ensemble';
  version: string;
  createdAt: Date;
  artifact: ModelArtifact;
}

/** Whether storing added a row or found the same name and version already stored. */
export type StoreOutcome = 'created' | 'exists';

/** Stores an artifact under its name and version (idempotent: the same content adds nothing). */
export async function storeModel(db: Db, artifact: ModelArtifact): Promise<StoreOutcome> {
  const rows = await db
    .insert(trainedModels)
    .values({ name: artifact.name, kind: artifact.kind, version: artifact.version, artifact: artifact as unknown as Record<string, unknown> })
    .onConflictDoNothing()
    .returning({ id: trainedModels.id });
  return rows.length > 0 ? 'created' : 'exists';
}

function toStored(row: typeof trainedModels.$inferSelect): StoredModel {
  // Re-validated on the way out: a row edited in the database must not slip through with a stale version.
  const artifact = parseArtifact(row.artifact, `trained model ${row.name} (version ${row.version})`);
  return { id: row.id, name: row.name, kind: row.kind, version: row.version, createdAt: row.createdAt, artifact };
}

export type ModelKind = StoredModel['kind'];

/** A model reference as typed by a user: `trained:NAME`, `ensemble:NAME`, or a bare NAME (kind left open). */
export function parseModelRef(ref: string): { kind?: ModelKind; name: string } {
  const match = /^(trained|ensemble):(.+)$/.exec(ref);
  return match ? { kind: match[1] as ModelKind, name: match[2] as string } : { name: ref };
}

const MODEL_KINDS: readonly ModelKind[] = ['trained', 'ensemble'];

/**
 * The artifacts that ship in the repository, by kind and name: they work on a fresh store. They
 * are read from their files on use, not imported into trained_models, so that queries stay
 * read-only and a regenerated file (`npm run train:default`) is picked up at once (under its new
 * version). A model of the same name in the store (trained or imported by the user) wins.
 */
export const SHIPPED_ARTIFACTS: Record<ModelKind, Record<string, string>> = {
  trained: { default: projectFile('config/trained/default.json') },
  ensemble: { default: projectFile('config/trained/ensemble-default.json') },
};

/** A model found by name: in the store, or a shipped file. */
export interface FoundModel<A extends ModelArtifact = ModelArtifact> {
  kind: ModelKind;
  name: string;
  version: string;
  artifact: A;
  source: 'store' | 'file';
}

/** The shipped artifact of kind:name (at the given version), if its file exists. */
export function shippedModel(kind: ModelKind, name: string, version?: string): FoundModel | undefined {
  const file = Object.hasOwn(SHIPPED_ARTIFACTS[kind], name) ? SHIPPED_ARTIFACTS[kind][name] : undefined;
  if (file === undefined || !existsSync(file)) return undefined;
  const artifact = readArtifactFile(file);
  if (artifact.kind !== kind || (version !== undefined && artifact.version !== version)) return undefined;
  return { kind, name, version: artifact.version, artifact, source: 'file' };
}

/**
 * kind:name, the one lookup of a model by name (queries, train export, ensemble members): the
 * latest stored version (or the given version), else the shipped artifact; undefined when neither has it.
 */
export async function lookupModel(db: Db, kind: ModelKind, name: string, version?: string): Promise<FoundModel | undefined> {
  const where = and(eq(trainedModels.kind, kind), eq(trainedModels.name, name), ...(version === undefined ? [] : [eq(trainedModels.version, version)]));
  const [row] = await db.select().from(trainedModels).where(where).orderBy(desc(trainedModels.id)).limit(1);
  if (row) {
    // Re-validated on the way out: a row edited in the database must not slip through with a stale version.
    const { artifact } = toStored(row);
    return { kind, name, version: row.version, artifact, source: 'store' };
  }
  return shippedModel(kind, name, version);
}

/** The names of a kind: stored ones and shipped ones whose file exists, sorted. */
export async function modelNames(db: Db, kind: ModelKind): Promise<string[]> {
  const stored = (await db.selectDistinct({ name: trainedModels.name }).from(trainedModels).where(eq(trainedModels.kind, kind))).map((r) => r.name);
  const shipped = Object.entries(SHIPPED_ARTIFACTS[kind]).flatMap(([name, file]) => (existsSync(file) ? [name] : []));
  return [...new Set([...stored, ...shipped])].sort();
}

/**
 * The latest version of a named model (or the given version) of the given kind, or of either kind
 * when none is given: stored, else shipped (lookupModel). Throws an ArtifactError naming the known
 * models when there is none, and when a bare name is both a trained model and an ensemble (a
 * trained model and an ensemble may share a name, so the kind must then be said).
 */
export async function loadModel(db: Db, name: string, version?: string, kind?: ModelKind): Promise<FoundModel> {
  const kinds = kind === undefined ? MODEL_KINDS : [kind];
  const found = (await Promise.all(kinds.map((k) => lookupModel(db, k, name, version)))).filter((m) => m !== undefined);
  if (found.length > 1) {
    throw new ArtifactError(`"${name}" is both a trained model and an ensemble; say which: ${found.map((m) => `${m.kind}:${name}`).sort().join(' or ')}`);
  }
  const [model] = found;
  if (model === undefined) {
    const known = (await Promise.all(MODEL_KINDS.map(async (k) => (await modelNames(db, k)).map((n) => `${k}:${n}`)))).flat();
    const what = `${kind ?? 'trained model or ensemble'} named "${name}"${version ? ` with version ${version}` : ''}`;
    throw new ArtifactError(
      `no ${what} (known: ${known.join(', ') || 'none'}); train one with \`stance train --name ${name}\` (or \`--ensemble ${name}\`) or import a file with \`stance train import FILE\``,
    );
  }
  return model;
}

/** Every stored model version, oldest first. */
export async function listModels(db: Db): Promise<StoredModel[]> {
  const rows = await db.select().from(trainedModels).orderBy(asc(trainedModels.id));
  return rows.map(toStored);
}

/** Reads and validates an artifact file; errors name the file and what is wrong. */
export function readArtifactFile(file: string): ModelArtifact {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ArtifactError(`cannot read model artifact ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseArtifact(json, file);
}
