import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARTIFACT_PATH, defaultArtifactBytes } from '../../app/train-run.ts';
import { parseArtifact } from '../../pipeline/train/artifact.ts';

// One training run is shared by the tests below (it takes seconds); the second run checks determinism.
const first = defaultArtifactBytes();

describe('the default trained model', () => {
  it('is deterministic: training twice gives identical bytes', () => {
    expect(defaultArtifactBytes() === first).toBe(true);
  });

  it('is committed up to date (config/trained/default.json)', () => {
    const committed = readFileSync(DEFAULT_ARTIFACT_PATH, 'utf8');
    if (committed !== first) {
      throw new Error('stale: run npm run train:default (config/trained/default.json differs from what training on eval/gold.jsonl gives now)');
    }
    const artifact = parseArtifact(JSON.parse(committed), DEFAULT_ARTIFACT_PATH);
    expect(artifact.kind).toBe('trained');
    expect(artifact.training.split).toBe('dev');
    // Trained on the dev split only: the 153 dev passages of the project's gold set.
    expect(artifact.training.n_items).toBe(153);
  });
});
