import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../helpers/paths.ts';

// A file the README or a command's help names must exist: `stance eval --help` once pointed to an
// eval/README.md that did not, and the README's agreement example to files nobody had.

const FOLDERS = ['eval', 'seeds', 'config', 'test', 'pipeline', 'app', 'cli', 'server', 'workers', 'db', 'bench'];
const PATH = new RegExp(`(?<![\\w/.-])((?:${FOLDERS.join('|')})/[\\w./*-]*\\w)`, 'g');

/** Files under a folder (recursively). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Whether a path exists; a `*` in its last part matches any characters (test/integration/chaos-*.test.ts). */
function exists(path: string): boolean {
  if (!path.includes('*')) return existsSync(repoPath(path));
  const dir = path.slice(0, path.lastIndexOf('/'));
  const pattern = new RegExp(`^${path.slice(dir.length + 1).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return existsSync(repoPath(dir)) && readdirSync(repoPath(dir)).some((name) => pattern.test(name));
}

// Folders the product itself makes and fills (the label review page's reviewer taggings): named
// in the README with example files that exist only after a user's action.
const MADE_BY_THE_PRODUCT = ['eval/reviews'];

/** The repository paths a text names (eval/README.md, seeds/corpus/manifest.jsonl, ...) that do not exist. */
function missingPaths(text: string): string[] {
  return [...new Set([...text.matchAll(PATH)].map((m) => m[1] as string))]
    .filter((p) => !MADE_BY_THE_PRODUCT.some((made) => p === made || p.startsWith(`${made}/`)))
    .filter((p) => !exists(p));
}

describe('references to files', () => {
  it('the README names only files and folders that exist', () => {
    expect(missingPaths(readFileSync(repoPath('README.md'), 'utf8'))).toEqual([]);
  });

  it('the eval folder has the README that `stance eval --help` points to', () => {
    expect(readFileSync(repoPath('cli/commands/eval.ts'), 'utf8')).toContain('see eval/README.md');
    expect(missingPaths(readFileSync(repoPath('eval/README.md'), 'utf8').replace(/\]\((?!\.\.)/g, '](eval/'))).toEqual([]);
  });

  it('the command sources name only files that exist', () => {
    const missing = filesUnder(repoPath('cli')).flatMap((f) => missingPaths(readFileSync(f, 'utf8')).map((p) => `${f}: ${p}`));
    expect(missing).toEqual([]);
  });
});
