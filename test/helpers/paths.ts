import { fileURLToPath } from 'node:url';

/** Absolute path of a file or folder relative to the repository root. */
export const repoPath = (rel: string): string => fileURLToPath(new URL(`../../${rel}`, import.meta.url));

export const FIXTURE_MODELS_DIR = repoPath('test/fixtures/models');
export const SEEDS_DIR = repoPath('seeds');
