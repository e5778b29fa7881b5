import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding the project's package.json. Found by walking up from this module, so shipped
 * files (config, seeds, migrations) resolve the same whether the code runs from its TypeScript
 * sources or from the compiled bundle in dist/ (where every module shares one import.meta.url).
 */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`stance: no package.json above ${fileURLToPath(import.meta.url)}; is the installation complete?`);
    dir = parent;
  }
}

export const PROJECT_ROOT = findProjectRoot();

/** Absolute path of a file shipped with the project, from a path relative to its root. */
export function projectFile(relativePath: string): string {
  return join(PROJECT_ROOT, relativePath);
}
