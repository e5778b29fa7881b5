// What `npm run test:mutation` mutates, one scope (folder) per Stryker run, and the unit test files
// that cover each scope. Only these files run against each mutant, so a run stays minutes, not hours.
export const SCOPES = {
  stats: {
    mutate: ['pipeline/stats/**/*.ts'],
    tests: [
      'test/unit/stats-boundaries.test.ts',
      'test/unit/stats-difference.test.ts',
      'test/unit/stats-group-comparison.test.ts',
      'test/unit/stats-labels.test.ts',
      'test/unit/stats-large-sample.test.ts',
      'test/unit/stats-position.test.ts',
      'test/unit/stats-random.test.ts',
    ],
  },
  metrics: {
    mutate: ['eval/metrics/**/*.ts'],
    tests: [
      'test/unit/eval-metrics-agreement.test.ts',
      'test/unit/eval-metrics-bootstrap.test.ts',
      'test/unit/eval-metrics-classification.test.ts',
      'test/unit/eval-metrics-ece.test.ts',
      'test/unit/eval-metrics-edges.test.ts',
    ],
  },
  eval: {
    mutate: ['eval/agreement.ts', 'eval/calibration.ts', 'pipeline/stance-score.ts'],
    tests: ['test/unit/eval-run-agreement.test.ts', 'test/unit/eval-calibration.test.ts', 'test/unit/stance-score.test.ts'],
  },
  scorers: {
    // The pure scoring and feature code of the lexicon and trained scorers (not artifact I/O).
    mutate: [
      'pipeline/lexicon/match.ts',
      'pipeline/lexicon/score.ts',
      'pipeline/train/features.ts',
      'pipeline/train/lexicon-features.ts',
      'pipeline/train/text-features.ts',
      'pipeline/train/sparse.ts',
      'pipeline/train/softmax-regression.ts',
      'pipeline/train/lbfgs.ts',
      'pipeline/train/predict.ts',
      'pipeline/train/ensemble.ts',
      'pipeline/train/folds.ts',
    ],
    tests: [
      'test/unit/lexicon-scorer.test.ts',
      'test/unit/train-model.test.ts',
      'test/unit/train-optimiser.test.ts',
      'test/unit/trained-scorer.test.ts',
    ],
  },
};

/** The scope named by STRYKER_SCOPE; throws with the valid names when it is missing or unknown. */
export function currentScope() {
  const name = process.env.STRYKER_SCOPE ?? '';
  const scope = SCOPES[name];
  if (!scope) throw new Error(`STRYKER_SCOPE must be one of: ${Object.keys(SCOPES).join(', ')} (got "${name}"); run: npm run test:mutation -- stats`);
  return { name, ...scope };
}
