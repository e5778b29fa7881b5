// Mutation testing of the statistical core and the scorers (issue 14). Run through
// `npm run test:mutation [scope...]` (test/mutation/run.mjs), which sets STRYKER_SCOPE per run.
import { currentScope } from './test/mutation/scopes.mjs';

const scope = currentScope();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // Runs only the scope's unit test files (vitest.mutation.config.mjs reads the same STRYKER_SCOPE).
  vitest: { configFile: 'vitest.mutation.config.mjs', related: false },
  mutate: scope.mutate,
  coverageAnalysis: 'perTest',
  // Two cores shared with other work: at most two test processes; STRYKER_CONCURRENCY=1 on a busy machine.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  // A mutant that runs this much longer than the unmutated tests is scored as a timeout (a kill):
  // mostly endless loops (a redraw that can never succeed). Raise it on a very loaded machine.
  timeoutMS: Number(process.env.STRYKER_TIMEOUT_MS ?? 5_000),
  timeoutFactor: 2,
  ignorePatterns: ['reports', '.stance', 'coverage', '.stryker-tmp'],
  // Reuses the results of mutants whose code and covering tests did not change since the last run
  // (reports/mutation/<scope>.incremental.json); `npm run test:mutation -- --force` tests every mutant again.
  incremental: true,
  incrementalFile: `reports/mutation/${scope.name}.incremental.json`,
  tempDirName: `.stryker-tmp/${scope.name}`,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${scope.name}.html` },
  jsonReporter: { fileName: `reports/mutation/${scope.name}.json` },
  thresholds: { high: 90, low: 80, break: null },
};
