import { defineConfig } from 'vitest/config';
import { currentScope } from './test/mutation/scopes.mjs';

// Vitest as Stryker runs it: only the unit test files of the scope being mutated, one file at a
// time (Stryker runs its own test processes in parallel).
export default defineConfig({
  test: {
    include: currentScope().tests,
    pool: 'forks',
    maxWorkers: 1,
    // Instrumented code runs the resampling loops many times slower than plain code.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
