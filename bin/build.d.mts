// Types of bin/build.mjs for the TypeScript that imports it (tests).
import type { BuildResult, Metafile, OutputFile } from 'esbuild';

export interface Entry {
  source: string;
  out: string;
  splitting: boolean;
}
export const ROOT: string;
export const DIST: string;
export const ENTRIES: Entry[];
export function bundleIsFresh(dist?: string): boolean;
export function bundle(entry: Entry): Promise<BuildResult & { metafile: Metafile; outputFiles: OutputFile[] }>;
export function build(): Promise<void>;
export function removeStaleChunks(dir: string, written: Set<string>, now: number): void;
