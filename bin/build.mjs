// Compiles the `stance` command into dist/: one ES module for the CLI and one for the inference
// worker thread, bundled from the TypeScript sources by esbuild (dependencies stay in node_modules).
//
// Why: running the sources through tsx compiles every file at every start, which made each command
// take seconds before doing anything, and the test suite spawns the command many times.
//
// The build runs by itself: `npm ci` runs it (the `prepare` script), and bin/stance.js rebuilds
// before starting when a source file is newer than the bundle, so an edit is never run stale and
// there is no build step to remember. `node bin/build.mjs` builds by hand; `--check` only says
// whether the bundle is up to date (exit 1 if not).
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
/** Entry points and the file each becomes; the thread's name is what workers/inference-client.ts loads. */
const ENTRIES = [
  { source: 'cli/main.ts', out: 'stance.mjs' },
  { source: 'workers/inference-thread.ts', out: 'thread-entry.mjs' },
];
/** The project files each bundle was built from, with the build time: what the staleness check reads. */
const INPUTS_FILE = join(DIST, 'inputs.json');

/** True when every bundle exists and no file it was built from changed since (or disappeared). */
export function bundleIsFresh() {
  if (!existsSync(INPUTS_FILE)) return false;
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(INPUTS_FILE, 'utf8'));
  } catch {
    return false;
  }
  if (!ENTRIES.every((e) => existsSync(join(DIST, e.out)))) return false;
  const builtAt = recorded.built_at_ms;
  if (typeof builtAt !== 'number' || !Array.isArray(recorded.inputs)) return false;
  for (const input of recorded.inputs) {
    try {
      if (statSync(join(ROOT, input)).mtimeMs > builtAt) return false;
    } catch {
      return false;
    }
  }
  // A new source file only matters once an existing one imports it, which changes that file.
  return true;
}

/** Builds both bundles and records what they were built from. */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  mkdirSync(DIST, { recursive: true });
  const startedAt = Date.now();
  const inputs = new Set();
  for (const entry of ENTRIES) {
    const result = await esbuild({
      entryPoints: [join(ROOT, entry.source)],
      outfile: join(DIST, entry.out),
      write: false,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      // dist/*.map is read only under NODE_OPTIONS=--enable-source-maps (stack traces then name the
      // TypeScript files); without it, the map costs nothing at start.
      sourcemap: 'linked',
      metafile: true,
      absWorkingDir: ROOT,
      logLevel: 'warning',
    });
    for (const input of Object.keys(result.metafile.inputs)) inputs.add(input);
    for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  }
  writeAtomically(INPUTS_FILE, `${JSON.stringify({ built_at_ms: startedAt, inputs: [...inputs].sort() }, null, 1)}\n`);
}

/** Written under a temporary name, then renamed: a concurrent start never reads half a file. */
function writeAtomically(path, contents) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--check')) {
    const fresh = bundleIsFresh();
    console.log(fresh ? 'dist/ is up to date' : 'dist/ is missing or older than the sources: run node bin/build.mjs');
    process.exit(fresh ? 0 : 1);
  }
  await build();
  console.log(`built ${ENTRIES.map((e) => relative(ROOT, join(DIST, e.out))).join(', ')}`);
}

