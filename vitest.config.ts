import { defineConfig } from 'vitest/config';

// Two cores on the build machines: run test files in forked processes, two at a time, so the
// ONNX sessions of different files do not fight over threads. One migrated PGlite template is
// made for the whole run (test/setup/pglite-template.ts); test files copy it.
//
// isolate: false: a worker process runs its test files one after another in one module graph, so
// the application, PGlite, ONNX Runtime and transformers.js load once per worker rather than once
// per file (importing them cost each of the 91 files seconds: the unit tests took 186 s isolated and
// 110 s shared, measured back to back). The price is discipline: a test file leaves the process as it
// found it (environment restored in place, see test/helpers/env.ts; stores closed; spies restored).
// The suite passes in shuffled order this way (--sequence.shuffle), and every file still passes alone.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/pglite-template.ts'],
    pool: 'forks',
    maxWorkers: 2,
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
