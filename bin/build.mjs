// Compiles the `stance` command into dist/: one ES module for the CLI and one for the inference
// worker thread, bundled from the TypeScript sources by esbuild (dependencies stay in node_modules,
// but for the two every command loads: BUNDLED_PACKAGES).
//
// Why: running the sources through tsx compiles every file at every start, which made each command
// take seconds before doing anything, and the test suite spawns the command many times.
//
// The build runs by itself: `npm ci` runs it (the `prepare` script), and bin/stance.js rebuilds
// before starting when a source file is newer than the bundle, so an edit is never run stale and
// there is no build step to remember. `node bin/build.mjs` builds by hand; `--check` only says
// whether the bundle is up to date (exit 1 if not).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
/**
 * Entry points and the file each becomes; the thread's name is what workers/inference-client.ts
 * loads. The CLI is split: what a command imports with `await import()` (the HTTP server, the
 * queue, the Parquet writer...) goes into chunk files beside it and loads only when that command
 * runs, so `stance --help` or `stance compare` do not load what `stance serve` needs.
 */
export const ENTRIES = [
  { source: 'cli/main.ts', out: 'stance.mjs', splitting: true },
  { source: 'workers/inference-thread.ts', out: 'thread-entry.mjs', splitting: false },
];
/** Chunk files of the split CLI; in dist/ itself, so `new URL('./thread-entry.mjs', import.meta.url)` finds the thread from any of them. */
const CHUNK_NAMES = 'chunk-[hash]';
const CHUNK_FILE = /^chunk-[A-Z0-9]+\.mjs(\.map)?$/;
// A process started before a rebuild (a `stance serve` left running while the sources are edited)
// may still import one of its chunks: old ones stay a day. The long-running commands load what
// they use at start (serve checks Redis at start, which loads the queue's modules).
const STALE_CHUNK_MS = 24 * 60 * 60 * 1000;
/** The project files each bundle was built from, with the build time: what the staleness check reads. */
const INPUTS_NAME = 'inputs.json';
const INPUTS_FILE = join(DIST, INPUTS_NAME);

/** True when every bundle exists and no file it was built from changed since (or disappeared). */
export function bundleIsFresh(dist = DIST) {
  const inputsFile = join(dist, INPUTS_NAME);
  if (!existsSync(inputsFile)) return false;
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(inputsFile, 'utf8'));
  } catch {
    return false;
  }
  if (!ENTRIES.every((e) => existsSync(join(dist, e.out)))) return false;
  const builtAt = recorded.built_at_ms;
  if (typeof builtAt !== 'number' || !Array.isArray(recorded.inputs) || !Array.isArray(recorded.outputs)) return false;
  // Every file the build wrote, chunks included: a missing chunk means a rebuild, not a failed import.
  if (!recorded.outputs.every((name) => existsSync(join(dist, name)))) return false;
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

/**
 * Packages compiled into the bundle instead of loaded from node_modules. Every command loads
 * them at start, and both ship as hundreds of small ES module files (about 100 each): resolving,
 * opening and reading them one by one cost `stance --help` about 0.09 s of its 0.4 s on a slow
 * 2-core machine (0.40-0.46 s against 0.29-0.33 s bundled, alternating runs). Every other
 * package stays in node_modules: native addons and WebAssembly (ONNX Runtime, PGlite), CommonJS
 * ones (commander: bundling it gained nothing measurable) and those loaded on demand.
 */
const BUNDLED_PACKAGES = new Set(['zod', 'drizzle-orm']);

/** The package a bare import names ("@scope/name" or "name"), or undefined for a relative path. */
function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** esbuild plugin: every package import stays external except BUNDLED_PACKAGES (esbuild's `packages: 'external'` has no exceptions). */
const externalPackagesExceptBundled = {
  name: 'external-packages-except-bundled',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const pkg = packageOf(args.path);
      if (pkg === undefined || BUNDLED_PACKAGES.has(pkg)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** Bundles one entry in memory (esbuild, write: false): its output files and metafile. */
export async function bundle(entry) {
  const { build: esbuild } = await import('esbuild');
  return esbuild({
    entryPoints: [{ in: join(ROOT, entry.source), out: entry.out.replace(/\.mjs$/, '') }],
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    splitting: entry.splitting,
    chunkNames: CHUNK_NAMES,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [externalPackagesExceptBundled],
    // dist/*.map is read only under NODE_OPTIONS=--enable-source-maps (stack traces then name the
    // TypeScript files); without it, the map costs nothing at start.
    sourcemap: 'linked',
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'warning',
  });
}

/** Builds both bundles and records what they were built from. */
export async function build() {
  mkdirSync(DIST, { recursive: true });
  const startedAt = Date.now();
  const inputs = new Set();
  const written = new Set();
  for (const entry of ENTRIES) {
    const result = await bundle(entry);
    for (const input of Object.keys(result.metafile.inputs)) inputs.add(input);
    // Chunks first: a command starting meanwhile that reads the new entry finds every chunk it names.
    const isChunk = (f) => CHUNK_FILE.test(relative(DIST, f.path));
    for (const file of [...result.outputFiles.filter(isChunk), ...result.outputFiles.filter((f) => !isChunk(f))]) writeAtomically(file.path, file.contents);
    for (const file of result.outputFiles) written.add(relative(DIST, file.path));
  }
  writeAtomically(INPUTS_FILE, `${JSON.stringify({ built_at_ms: startedAt, inputs: [...inputs].sort(), outputs: [...written].sort() }, null, 1)}\n`);
  removeStaleChunks(DIST, written, Date.now());
}

/** Removes the chunk files in dir that a build did not write (`written`), once they are a day old at `now`. */
export function removeStaleChunks(dir, written, now) {
  for (const name of readdirSync(dir)) {
    if (!CHUNK_FILE.test(name) || written.has(name)) continue;
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs > STALE_CHUNK_MS) rmSync(path, { force: true });
    } catch {
      // Removed meanwhile by a concurrent build.
    }
  }
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

