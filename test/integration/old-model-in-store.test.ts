import { readFileSync, rmSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { trainedModels } from '../../db/schema/index.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import { artifactVersion, type ModelArtifact } from '../../pipeline/train/artifact.ts';
import { createApp } from '../../server/app.ts';
import { freshDataDir } from '../helpers/db.ts';
import { runCliInProcess } from '../helpers/in-process-cli.ts';
import { FIXTURE_MODELS } from '../helpers/score-fixture.ts';
import { repoPath } from '../helpers/paths.ts';

// A store made by an earlier version of stance can hold a trained model of an older artifact
// format (format 3: no temperature), which this version refuses to read. That one model must
// say so and how to fix it; it must not take down the listing of every scorer or print a stack.

let dataDir: string;
const env = () => ({ STANCE_DATA_DIR: dataDir, STANCE_AXES_FILE: '', STANCE_MODELS_DIR: '' });

beforeAll(async () => {
  dataDir = await freshDataDir();
  // The shipped model turned back into format 3: no temperature or calibration per axis.
  const current = JSON.parse(readFileSync(repoPath('config/trained/default.json'), 'utf8')) as Record<string, unknown> & { axes: Record<string, unknown>[] };
  const old: Record<string, unknown> = { ...current, format_version: 3, name: 'old', axes: current.axes.map(({ temperature: _t, calibration: _c, ...axis }) => axis) };
  old.version = artifactVersion(old as unknown as ModelArtifact);
  const database = await openDatabase({ dataDir });
  await database.db.insert(trainedModels).values({ name: 'old', kind: 'trained', version: old.version as string, artifact: old });
  await database.close();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a stored model of an older artifact format', () => {
  it('is listed by `stance scorers` as unavailable with the reason, beside the others', async () => {
    const r = await runCliInProcess(['scorers', '--json'], env());
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { scorers: { name: string; available: boolean; availability: string; version: string | null }[] } | { name: string; available: boolean; availability: string; version: string | null }[];
    const scorers = Array.isArray(list) ? list : list.scorers;
    const old = scorers.find((s) => s.name === 'trained:old');
    expect(old).toMatchObject({ available: false, version: null });
    expect(old?.availability).toMatch(/model format 3 is older than this version of stance reads \(4\); retrain it/);
    expect(scorers.find((s) => s.name === 'trained:default')).toMatchObject({ available: true });
    expect(scorers.find((s) => s.name === 'lexicon')).toMatchObject({ available: true });
  });

  it('makes `compare --scorer trained:old` a user error (exit 2) naming the fix, without a stack trace', async () => {
    const r = await runCliInProcess(['compare', '--scorer', 'trained:old'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^stance: trained model old \(version \w+\): model format 3 .* retrain it with `stance train`/m);
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });

  it('answers 409 with the reason in the API', async () => {
    const database = await openDatabase({ dataDir });
    try {
      const app = createApp({ env: { db: database.db, config: FIXTURE_MODELS, axes: loadAxesFile() }, config: { apiToken: undefined, maxDocBytes: 100_000 }, enqueue: () => Promise.resolve() });
      const res = await app.request('/compare?scorer=trained:old');
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: string }).error).toMatch(/model format 3 .* retrain it/);
    } finally {
      await database.close();
    }
  });
});
