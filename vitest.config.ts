import { defineConfig } from 'vitest/config';

// Two cores on the build machines: run test files in forked processes, two at a time, so the
// ONNX sessions of different files do not fight over threads.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
