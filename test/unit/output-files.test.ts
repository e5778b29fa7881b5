import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeOutputFolder, OutputPathError, outputPathError, writeOutputFile, writingTo } from '../../pipeline/output-files.ts';
import { userErrorMessage } from '../../cli/user-errors.ts';
import { DatabaseError, openDatabase } from '../../db/client.ts';

// Paths a user gives for output that cannot be written: each is told as "cannot write PATH: why",
// a user error (exit code 2), with the part of the path that is wrong.

const dir = mkdtempSync(join(tmpdir(), 'stance-output-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'x');

/** The error fn throws (it must throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('writing a user-named file or folder', () => {
  it('names the folder that does not exist', () => {
    const err = thrown(() => writeOutputFile(join(dir, 'none', 'deeper', 'map.svg'), '<svg/>'));
    expect(err).toBeInstanceOf(OutputPathError);
    expect((err as Error).message).toBe(`cannot write ${join(dir, 'none', 'deeper', 'map.svg')}: the folder ${join(dir, 'none', 'deeper')} does not exist (create it first, or give a path in an existing folder)`);
    expect(userErrorMessage(err)).toBe((err as Error).message);
  });

  it('names the file that stands where a folder should be', () => {
    const file = join(aFile, 'sub', 'pairs.csv');
    expect((thrown(() => writeOutputFile(file, 'a,b\n')) as Error).message).toBe(`cannot write ${file}: ${aFile} is a file, not a folder (give a path whose folders are folders)`);
    // Creating the folders first (train --out) fails on the same file, and says so.
    expect((thrown(() => writeOutputFile(file, '{}', { makeFolders: true })) as Error).message).toBe(`cannot write ${file}: ${aFile} is a file, not a folder (give a path whose folders are folders)`);
    expect((thrown(() => writeOutputFile(join(aFile, 'm.json'), '{}', { makeFolders: true })) as Error).message).toBe(`cannot write ${join(aFile, 'm.json')}: ${aFile} is a file, not a folder (give a path whose folders are folders)`);
  });

  it('refuses a folder given as a file and a file given as a folder', () => {
    expect((thrown(() => writeOutputFile(dir, 'x')) as Error).message).toBe(`cannot write ${dir}: it is a folder, where a file is to be written (give another path, or move the folder away)`);
    expect((thrown(() => makeOutputFolder(aFile)) as Error).message).toBe(`cannot write ${aFile}: it is a file, not a folder (give the path of a new or existing folder)`);
    expect((thrown(() => makeOutputFolder(join(aFile, 'tables'))) as Error).message).toBe(`cannot write ${join(aFile, 'tables')}: ${aFile} is a file, not a folder (give a path whose folders are folders)`);
  });

  it('tells permission, read-only and full-disk errors apart, and leaves other errors as they are', () => {
    const fsError = (code: string) => Object.assign(new Error(`${code}: open`), { code });
    expect((outputPathError('/srv/out.csv', fsError('EACCES')) as Error).message).toBe('cannot write /srv/out.csv: permission denied (give a path in a folder you may write to)');
    expect((outputPathError('/srv/out.csv', fsError('EROFS')) as Error).message).toBe('cannot write /srv/out.csv: the file system is read-only (give a path on a writable one)');
    expect((outputPathError('/srv/out.csv', fsError('ENOSPC')) as Error).message).toBe('cannot write /srv/out.csv: no space left on the device (free some, or give a path on another one)');
    const other = fsError('EIO');
    expect(outputPathError('/srv/out.csv', other)).toBe(other);
    const bug = new TypeError('not a file system error');
    expect(outputPathError('/srv/out.csv', bug)).toBe(bug);
  });

  it('turns an asynchronous write failure into the same error, and writes what it can', async () => {
    await expect(writingTo(join(dir, 'none', 't.csv'), () => Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' })))).rejects.toThrow(
      `cannot write ${join(dir, 'none', 't.csv')}: the folder ${join(dir, 'none')} does not exist`,
    );
    mkdirSync(join(dir, 'made'));
    writeOutputFile(join(dir, 'made', 'ok.txt'), 'ok');
    writeOutputFile(join(dir, 'new', 'nested', 'ok.json'), '{}', { makeFolders: true });
    expect(readFileSync(join(dir, 'made', 'ok.txt'), 'utf8')).toBe('ok');
    expect(readFileSync(join(dir, 'new', 'nested', 'ok.json'), 'utf8')).toBe('{}');
  });

  it('names STANCE_DATA_DIR when the embedded database cannot be created there', async () => {
    const err = await openDatabase({ dataDir: aFile }).then(
      () => new Error('opened'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as Error).message).toBe(`cannot write ${join(aFile, 'pgdata')}: ${aFile} is a file, not a folder (give a path whose folders are folders); STANCE_DATA_DIR sets where the embedded database lives`);
  });
});
