import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writing the files and folders a user names (map --out, compare --pairs-csv, export --out, train
 * --out, train export --out): a path that cannot be written is the user's to fix, so it is told
 * as "cannot write PATH: why (what to do)", exit code 2, not as a stack trace. Every such write
 * goes through here, so the wording is the same for every command.
 */

/** A user-given output path that cannot be written; the message names the path, why and what to do. */
export class OutputPathError extends Error {
  override name = 'OutputPathError';
}

// The nearest existing ancestor of path (path itself included) that is not a folder: what an
// ENOTDIR is about. undefined when none is found (e.g. it changed since).
function fileInTheWay(path: string): string | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) return p;
    } catch {
      // Missing: look further up.
    }
    if (dirname(p) === p) return undefined;
  }
}

function reason(path: string, code: string, folder: boolean): string | undefined {
  switch (code) {
    case 'ENOENT':
      return `the folder ${dirname(path)} does not exist (create it first, or give a path in an existing folder)`;
    case 'ENOTDIR': {
      const file = fileInTheWay(folder ? path : dirname(path));
      return `${file ?? dirname(path)} is a file, not a folder (give a path whose folders are folders)`;
    }
    case 'EEXIST':
      // mkdir of a folder that exists as a file: the path itself, or the folder of a file to write.
      return folder ? 'it is a file, not a folder (give the path of a new or existing folder)' : `${dirname(path)} is a file, not a folder (give a path whose folders are folders)`;
    case 'EISDIR':
      return 'it is a folder, where a file is to be written (give another path, or move the folder away)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (give a path in a folder you may write to)';
    case 'EROFS':
      return 'the file system is read-only (give a path on a writable one)';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device (free some, or give a path on another one)';
    case 'ENAMETOOLONG':
      return 'the name is too long (give a shorter path)';
    default:
      return undefined;
  }
}

/**
 * err as an OutputPathError about path when it is a file system error a user can fix; any other
 * error is returned as it is. `folder`: path is a folder to create or write into, not a file.
 */
export function outputPathError(path: string, err: unknown, folder = false): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why = typeof code === 'string' ? reason(path, code, folder) : undefined;
  return why === undefined ? err : new OutputPathError(`cannot write ${path}: ${why}`, { cause: err });
}

/** Writes a user-named file; its folder must exist unless makeFolders. */
export function writeOutputFile(path: string, data: string | Uint8Array, opts: { makeFolders?: boolean } = {}): void {
  try {
    if (opts.makeFolders) mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
  } catch (err) {
    throw outputPathError(path, err);
  }
}

/** Creates a user-named folder and its parents, if missing. */
export function makeOutputFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw outputPathError(dir, err, true);
  }
}

/** Runs a write of a user-named path (a stream, a library's writer); its file system errors become OutputPathErrors. */
export async function writingTo<T>(path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    throw outputPathError(path, err);
  }
}
