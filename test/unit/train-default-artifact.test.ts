import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENSEMBLE_PATH, defaultEnsembleBytes } from '../../app/ensemble-run.ts';
import { DEFAULT_ARTIFACT_PATH, defaultArtifactBytes, trainDefaultArtifact } from '../../app/train-run.ts';
import { parseArtifact, serializeArtifact } from '../../pipeline/train/artifact.ts';
import { repoPath } from '../helpers/paths.ts';

// One training run is shared by the tests below (it takes seconds; they only read it); the second
// run, in the first test, checks determinism.
const trained = trainDefaultArtifact();
const first = serializeArtifact(trained);

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
    // Trained on the dev split only: the dev passages of gold set v2 and the extra training
    // passages (train-only), counted from the files.
    const lines = (f: string) => readFileSync(repoPath(f), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { split: string });
    const nDev = lines('eval/gold.jsonl').filter((i) => i.split === 'dev').length;
    const nExtra = lines('eval/train-extra.jsonl').length;
    expect(nExtra).toBeGreaterThan(0);
    expect(artifact.training.n_items).toBe(nDev + nExtra);
    expect(artifact.kind === 'trained' && artifact.training.n_extra_items).toBe(nExtra);
  });

  it('has its default ensemble (lexicon + trained:default, fitted on dev) committed up to date and deterministic', async () => {
    const bytes = await defaultEnsembleBytes(trained);
    expect((await defaultEnsembleBytes(trained)) === bytes).toBe(true);
    if (readFileSync(DEFAULT_ENSEMBLE_PATH, 'utf8') !== bytes) {
      throw new Error('stale: run npm run train:default (config/trained/ensemble-default.json differs from what fitting on eval/gold.jsonl gives now)');
    }
    const artifact = parseArtifact(JSON.parse(bytes), DEFAULT_ENSEMBLE_PATH);
    expect(artifact.kind).toBe('ensemble');
    expect(artifact.kind === 'ensemble' && artifact.members.map((m) => m.name)).toEqual(['lexicon', 'trained:default']);
    expect(artifact.kind === 'ensemble' && artifact.members[1]?.version).toBe(trained.version);
  }, 120_000);
});
