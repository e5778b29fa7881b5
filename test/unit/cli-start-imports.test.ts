import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundle, bundleIsFresh, ENTRIES, removeStaleChunks } from '../../bin/build.mjs';

// What every start of `stance` loads: the packages the CLI bundle imports statically, through its
// entry and the chunks the entry imports. Each command's module loads only when that command runs
// (cli/command-index.ts), and with it the packages it needs: the queue, the HTTP server, the
// drivers, the Parquet writer, the HTML libraries and the models load only in the commands that
// use them (a second or so of module loading that --help, compare or status never need; README,
// "Throughput"), and even zod and drizzle-orm, which most commands use, are not loaded by --help.
const LOADED_ON_DEMAND = [
  'zod',
  'drizzle-orm',
  'bullmq',
  'ioredis',
  'hono',
  '@hono/node-server',
  'pino',
  'postgres',
  '@electric-sql/pglite',
  'drizzle-orm/pglite',
  'drizzle-orm/postgres-js',
  'hyparquet-writer',
  'html-to-text',
  'htmlparser2',
  '@huggingface/transformers',
  'onnxruntime-node',
];

interface MetaOutput {
  imports: { path: string; kind: string; external?: boolean }[];
  inputs: Record<string, unknown>;
}

/**
 * Packages reached from the entry through static imports only (a dynamic import() is where
 * loading on demand starts): imports left to node_modules by their name ("bullmq"), and package
 * files compiled into a reached output by their path below node_modules ("drizzle-orm/pglite/driver.js").
 */
function staticPackages(outputs: Record<string, MetaOutput>, entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const input of Object.keys(outputs[file]?.inputs ?? {})) {
      // The innermost node_modules names the package the file belongs to (nested installs).
      const inPackage = input.split('node_modules/').at(-1);
      if (input.includes('node_modules/') && inPackage) packages.add(inPackage);
    }
    for (const imp of outputs[file]?.imports ?? []) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.external) packages.add(imp.path);
      else walk(imp.path);
    }
  };
  walk(entry);
  return packages;
}

describe('the stance command at start', () => {
  it('loads none of the packages that only some commands need', async () => {
    const cli = ENTRIES.find((e) => e.out === 'stance.mjs');
    expect(cli).toBeDefined();
    const result = await bundle(cli as (typeof ENTRIES)[number]);
    const outputs = result.metafile.outputs as Record<string, MetaOutput>;
    const entry = Object.keys(outputs).find((f) => f.endsWith('/stance.mjs'));
    expect(entry).toBeDefined();
    const loaded = staticPackages(outputs, entry as string);
    const has = (name: string) => [...loaded].some((p) => p === name || p.startsWith(`${name}/`));
    // The walk does see packages: commander, which every start needs, is all there is.
    expect(loaded).toContain('commander');
    expect(has('zod')).toBe(false);
    expect([...loaded].filter((p) => LOADED_ON_DEMAND.some((d) => p === d || p.startsWith(`${d}/`)))).toEqual([]);
    // The walk follows compiled-in package files too: the chunks a command loads reach zod and drizzle-orm.
    const compiled = (file: string) => Object.keys(outputs[file]?.inputs ?? {}).some((i) => i.includes('node_modules/zod/'));
    expect(Object.keys(outputs).some(compiled)).toBe(true);
    // ...and they are still in the bundle, behind import(): a command that needs them finds them.
    const imported = new Set(Object.values(outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
    for (const p of ['bullmq', 'hono', 'postgres', '@electric-sql/pglite', 'hyparquet-writer', '@huggingface/transformers']) expect(imported, p).toContain(p);
    // The drivers' drizzle adapters are compiled in with drizzle-orm, behind import() too.
    const compiledIn = new Set(Object.values(outputs).flatMap((o) => Object.keys(o.inputs)));
    for (const p of ['drizzle-orm/pglite/', 'drizzle-orm/postgres-js/']) expect([...compiledIn].some((i) => i.includes(`node_modules/${p}`)), p).toBe(true);
  });
});

describe('stale chunks of earlier builds', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('go once they are a day old; this build’s chunks, recent ones and other files stay', () => {
    dir = mkdtempSync(join(tmpdir(), 'stance-dist-'));
    const now = Date.now();
    const file = (name: string, ageMs: number) => {
      writeFileSync(join(dir as string, name), '');
      const t = (now - ageMs) / 1000;
      utimesSync(join(dir as string, name), t, t);
    };
    file('chunk-OLDAAAAA.mjs', 25 * 3600_000);
    file('chunk-OLDAAAAA.mjs.map', 25 * 3600_000);
    file('chunk-RECENT11.mjs', 23 * 3600_000);
    file('chunk-CURRENT1.mjs', 25 * 3600_000);
    file('stance.mjs', 25 * 3600_000);
    file('inputs.json', 25 * 3600_000);
    removeStaleChunks(dir, new Set(['chunk-CURRENT1.mjs', 'stance.mjs']), now);
    expect(readdirSync(dir).sort()).toEqual(['chunk-CURRENT1.mjs', 'chunk-RECENT11.mjs', 'inputs.json', 'stance.mjs']);
  });
});

describe('a bundle missing one of its chunks', () => {
  it('is not fresh, so the next start rebuilds it instead of failing on the import', () => {
    const dist = mkdtempSync(join(tmpdir(), 'stance-dist-'));
    try {
      for (const name of ['stance.mjs', 'thread-entry.mjs', 'chunk-ABCDEFGH.mjs']) writeFileSync(join(dist, name), '');
      writeFileSync(join(dist, 'inputs.json'), JSON.stringify({ built_at_ms: Date.now(), inputs: [], outputs: ['chunk-ABCDEFGH.mjs', 'stance.mjs', 'thread-entry.mjs'] }));
      expect(bundleIsFresh(dist)).toBe(true);
      rmSync(join(dist, 'chunk-ABCDEFGH.mjs'));
      expect(bundleIsFresh(dist)).toBe(false);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
