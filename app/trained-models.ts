import { readFileSync } from 'node:fs';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { trainedModels } from '../db/schema/index.ts';
import { ArtifactError, parseArtifact, type ModelArtifact } from '../pipeline/train/artifact.ts';

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

/**
 * The latest version of a named model (or the given version) of the given kind, or of either kind
 * when none is given. Throws an ArtifactError naming the stored models when there is none, and when
 * a bare name is both a trained model and an ensemble (a trained model and an ensemble may share a
 * name, so the kind must then be said).
 */
export async function loadModel(db: Db, name: string, version?: string, kind?: ModelKind): Promise<StoredModel> {
  const where = and(eq(trainedModels.name, name), ...(version === undefined ? [] : [eq(trainedModels.version, version)]), ...(kind === undefined ? [] : [eq(trainedModels.kind, kind)]));
  if (kind === undefined) {
    const kinds = (await db.selectDistinct({ kind: trainedModels.kind }).from(trainedModels).where(where)).map((r) => r.kind).sort();
    if (kinds.length > 1) {
      throw new ArtifactError(`"${name}" is both a trained model and an ensemble; say which: ${kinds.map((k) => `${k}:${name}`).join(' or ')}`);
    }
  }
  const [row] = await db.select().from(trainedModels).where(where).orderBy(desc(trainedModels.id)).limit(1);
  if (!row) {
    const stored = [...new Set((await db.select({ name: trainedModels.name, kind: trainedModels.kind }).from(trainedModels)).map((r) => `${r.kind}:${r.name}`))].sort();
    const what = `${kind ?? 'trained model or ensemble'} named "${name}"${version ? ` with version ${version}` : ''}`;
    throw new ArtifactError(
      `no ${what} (stored: ${stored.join(', ') || 'none'}); train one with \`stance train --name ${name}\` (or \`--ensemble ${name}\`) or import a file with \`stance train import FILE\``,
    );
  }
  return toStored(row);
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
