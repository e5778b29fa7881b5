import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, projectFile } from '../../config/project-files.ts';
import { repoPath } from '../helpers/paths.ts';

// The `stance` command runs a bundle (dist/stance.mjs) in which every module shares one
// import.meta.url: a path made relative to a module's own file would point elsewhere there.
const PRODUCT_FOLDERS = ['app', 'cli', 'config', 'db', 'eval', 'pipeline', 'server', 'workers'];
// The one deliberate use: the inference thread's entry file sits next to whichever code starts it.
const ALLOWED = new Set(['config/project-files.ts', 'workers/inference-client.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' ? [] : sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('shipped files', () => {
  it('resolve from the package root', () => {
    expect(PROJECT_ROOT).toBe(repoPath('.').replace(/\/$/, ''));
    expect(JSON.parse(readFileSync(projectFile('package.json'), 'utf8')).name).toBe('stance');
  });

  it('are never located from a module’s own import.meta.url in product code', () => {
    const offenders = PRODUCT_FOLDERS.flatMap((folder) => sourceFiles(repoPath(folder)))
      .map((path) => relative(PROJECT_ROOT, path))
      .filter((path) => !ALLOWED.has(path) && readFileSync(join(PROJECT_ROOT, path), 'utf8').includes('import.meta.url'));
    expect(offenders, 'use projectFile() from config/project-files.ts').toEqual([]);
  });
});
