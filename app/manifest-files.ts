import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A manifest entry's file resolved against the manifest's folder, or why it is refused. */
export type ManifestFile = { ok: true; path: string } | { ok: false; message: string };

const ALLOW = 'pass --allow-outside-manifest-dir to allow it';

const inside = (base: string, path: string): boolean => {
  const rel = relative(base, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * Resolves a manifest entry's `file` against the manifest's folder. Unless `allowOutside`, the
 * file must stay inside that folder: no absolute path, no `..` out of it, no symlink whose target
 * is outside it. A manifest someone else wrote should not be able to read any file of yours.
 */
export async function resolveManifestFile(manifestDir: string, file: string, allowOutside: boolean): Promise<ManifestFile> {
  const path = resolve(manifestDir, file);
  if (allowOutside) return { ok: true, path };
  if (isAbsolute(file)) return { ok: false, message: `"${file}" is an absolute path; manifest paths are relative to the manifest's folder (${ALLOW})` };
  if (!inside(manifestDir, path)) return { ok: false, message: `"${file}" points outside the manifest's folder (${ALLOW})` };
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return { ok: true, path }; // missing: reading it reports "file not found"
  }
  const realBase = await realpath(manifestDir).catch(() => manifestDir);
  if (!inside(realBase, real)) return { ok: false, message: `"${file}" is a symbolic link to a file outside the manifest's folder (${ALLOW})` };
  return { ok: true, path };
}
