import { defineConfig } from 'vitest/config';

// Two cores on the build machines: run test files in forked processes, two at a time, so the
// ONNX sessions of different files do not fight over threads. One migrated PGlite template is
// made for the whole run (test/setup/pglite-template.ts); test files copy it.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/pglite-template.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
