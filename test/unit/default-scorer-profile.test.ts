import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadThresholdProfile, profileTag, saveThresholdProfile } from '../../app/eval-threshold-profiles.ts';
import { NothingScoredError } from '../../app/lookup.ts';
import { ensureModel, ensureScorer, scorerKey } from '../../app/registry.ts';
import { defaultScorerName, resolveScorer } from '../../app/scorers/index.ts';
import { openDatabase, type Database } from '../../db/client.ts';
import type { Dtype } from '../../config/config.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import { openTempPglite } from '../helpers/db.ts';
import { runCliInProcess } from '../helpers/in-process-cli.ts';

// A store where nli and prototype have scored without a profile, and a profile fitted for nli
// exists but nothing has been rescored with it: the state right after `stance eval calibrate`.
// Only the scorer rows matter to which version a query reads, so no model runs here.

const axes = loadAxesFile();
const nli = { name: 'tiny-random-nli', dtype: 'fp32' as Dtype, version: 'aaaaaaaaaaaa' };
const embed = { name: 'tiny-lexical-embed', dtype: 'fp32' as Dtype, version: 'bbbbbbbbbbbb' };
const config = { nliModel: nli.name, embedModel: embed.name, dtype: 'fp32' as const };
const withProfile = { ...config, thresholdProfile: 'dev-2024-06' };
let database: Database;
let dataDir: string;

// A store of its own for each test: one test adds the profile's scorer row, and the others must not
// depend on running before it (the suite runs in a shuffled order too).
beforeEach(async () => {
  ({ database, dataDir } = await openTempPglite());
  await ensureScorer(database.db, scorerKey('nli', nli), 'nli', await ensureModel(database.db, nli, 'nli'), {});
  await ensureScorer(database.db, scorerKey('prototype', embed), 'prototype', await ensureModel(database.db, embed, 'embedding', 8), {});
  await saveThresholdProfile(database.db, {
    name: 'dev-2024-06',
    scorer: 'nli',
    axes: Object.fromEntries(axes.map((a) => [a.slug, { relevance: 0.4, margin: 0.1, temperature: 1 }])),
    axisVersions: Object.fromEntries(axes.map((a) => [a.slug, a.version])),
    models: { embed, nli } as never,
    setHash: 'test',
    setFile: 'gold.jsonl',
    fit: {},
  });
});
afterEach(async () => {
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the default scorer under a threshold profile that has no scores yet', () => {
  it('refuses, naming the profile and the rescore, instead of reading the next scorer', async () => {
    // Without the profile the default is nli, the scorer the profile was fitted for.
    expect((await resolveScorer(database.db, config, undefined)).ref.name).toBe('nli');
    const refused = resolveScorer(database.db, withProfile, undefined);
    await expect(refused).rejects.toThrow(NothingScoredError);
    await expect(refused).rejects.toThrow(/threshold profile dev-2024-06 .*`stance rescore --scorer nli`/);
    expect(await defaultScorerName(database.db, withProfile)).toBeNull();
    // A scorer named explicitly is read as asked.
    expect((await resolveScorer(database.db, withProfile, 'prototype')).ref.name).toBe('prototype');
  });

  it('on the command line: compare exits 2 with the message, scorers says queries refuse', async () => {
    await database.close();
    try {
      const env = { STANCE_DATA_DIR: dataDir, STANCE_NLI_MODEL: nli.name, STANCE_EMBED_MODEL: embed.name, STANCE_MODEL_DTYPE: 'fp32', STANCE_SCORER: '', STANCE_AXES_FILE: '' };
      const compare = await runCliInProcess(['compare', '--axis', 'security_rights'], { ...env, STANCE_THRESHOLD_PROFILE: 'dev-2024-06' });
      expect(compare.code).toBe(2);
      expect(compare.stderr).toMatch(/^stance: threshold profile dev-2024-06 .*stance rescore --scorer nli/m);
      expect(compare.stdout).not.toContain('prototype');
      const scorers = await runCliInProcess(['scorers'], { ...env, STANCE_THRESHOLD_PROFILE: 'dev-2024-06' });
      expect(scorers.code).toBe(0);
      expect(scorers.stdout).toContain('Queries without --scorer refuse: threshold profile dev-2024-06');
      expect(scorers.stdout).not.toContain('Queries read prototype');
      const json = await runCliInProcess(['scorers', '--json'], { ...env, STANCE_THRESHOLD_PROFILE: 'dev-2024-06' });
      expect(JSON.parse(json.stdout)).toMatchObject({ default: null, default_refused: expect.stringContaining('stance rescore --scorer nli') });
    } finally {
      database = await openDatabase({ dataDir });
    }
  });

  it('reads the profile version once it has scores', async () => {
    const profile = await loadThresholdProfile(database.db, 'dev-2024-06');
    const key = scorerKey('nli', nli, profileTag(profile));
    await ensureScorer(database.db, key, 'nli', await ensureModel(database.db, nli, 'nli'), {});
    expect((await resolveScorer(database.db, withProfile, undefined)).stored.key).toBe(key);
    expect(await defaultScorerName(database.db, withProfile)).toBe('nli');
  });
});
