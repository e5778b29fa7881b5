import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadThresholdProfile, saveThresholdProfile, scoringSettingsWithProfile, type NewThresholdProfile } from '../../app/eval-threshold-profiles.ts';
import { openDatabase } from '../../db/client.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import { runCliInProcess } from '../helpers/in-process-cli.ts';
import { freshEvalStore } from '../helpers/eval-store.ts';
import { repoPath } from '../helpers/paths.ts';

// Each test its own data dir (its own embedded store), so no test sees another's profiles.
const freshStore = freshEvalStore;
const GOLD = repoPath('eval/gold.jsonl');
const goldLines = (): string[] => readFileSync(GOLD, 'utf8').split('\n').filter((l) => l.trim() !== '');

type Confusion = { labels: string[]; matrix: number[][] };

describe('stance eval calibrate', () => {
  it('refuses to fit on test items, and on a set without dev items', async () => {
    const { dataDir, env } = await freshStore();
    const r = await runCliInProcess(['eval', 'calibrate', '--set', GOLD, '--split', 'test'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/fits on the dev split only and refuses --split test/);
    const testOnly = join(dataDir, 'test-only.jsonl');
    writeFileSync(testOnly, goldLines().filter((l) => (JSON.parse(l) as { split: string }).split === 'test').join('\n'));
    const t = await runCliInProcess(['eval', 'calibrate', '--set', testOnly], env);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/has no dev items/);
  });

  it('stores a profile that changes the labels; eval with the profile gives the "after" numbers', async () => {
    const { dataDir, env } = await freshStore();
    const c = await runCliInProcess(['eval', 'calibrate', '--set', GOLD, '--name', 'fitted', '--json'], env);
    expect(c.stderr).not.toContain('unexpected error');
    expect(c.code).toBe(0);
    const cal = JSON.parse(c.stdout) as {
      profile: string;
      axes: Record<string, { relevance: number; margin: number; temperature: number }>;
      fit: Record<string, { n_dev: number; macro_f1_before: number; macro_f1_after: number }>;
      test: { n: number; before: Record<string, { confusion: Confusion }>; after: Record<string, { confusion: Confusion; accuracy: number }> };
    };
    expect(cal.profile).toBe('fitted');
    const axes = loadAxesFile();
    for (const axis of axes) {
      const fit = cal.fit[axis.slug]!;
      expect(fit.n_dev).toBe(goldLines().filter((l) => (JSON.parse(l) as { split: string }).split === 'dev').length);
      // Fitted on dev, macro-F1 can only go up there (the start point is one of the candidates).
      expect(fit.macro_f1_after).toBeGreaterThanOrEqual(fit.macro_f1_before);
    }
    const changed = axes.some((a) => JSON.stringify(cal.test.before[a.slug]?.confusion) !== JSON.stringify(cal.test.after[a.slug]?.confusion));
    expect(changed).toBe(true);

    const database = await openDatabase({ dataDir });
    try {
      const profile = await loadThresholdProfile(database.db, 'fitted');
      expect(profile.scorer).toBe('nli');
      for (const axis of axes) {
        const { relevance, margin, temperature } = cal.axes[axis.slug]!;
        expect(profile.thresholds[axis.slug]).toEqual({ relevance, margin });
        expect(profile.temperatures[axis.slug]).toBe(temperature);
      }
      expect(scoringSettingsWithProfile(axes, 'prototype', profile).thresholds[axes[0]!.slug]).toEqual(axes[0]!.thresholds);
      await expect(loadThresholdProfile(database.db, 'nope')).rejects.toThrow(/no threshold profile named "nope" \(stored profiles: fitted\)/);
    } finally {
      await database.close();
    }

    // STANCE_THRESHOLD_PROFILE applies the profile to scoring like --profile does.
    const e = await runCliInProcess(['eval', '--set', GOLD, '--split', 'test', '--json'], { ...env, STANCE_THRESHOLD_PROFILE: 'fitted' });
    expect(e.code).toBe(0);
    const out = JSON.parse(e.stdout) as { scorers: Record<string, { profile: string; axes: Record<string, { confusion: Confusion; accuracy: number }> }> };
    const ev = out.scorers.nli!;
    expect(ev.profile).toBe('fitted');
    for (const axis of axes) {
      expect(ev.axes[axis.slug]?.confusion).toEqual(cal.test.after[axis.slug]?.confusion);
      expect(ev.axes[axis.slug]?.accuracy).toBeCloseTo(cal.test.after[axis.slug]?.accuracy ?? -1, 12);
    }
  }, 240_000); // two CLI runs that score all 373 gold items with the tiny models

  it('refuses an existing name without --replace, and an unknown --profile', async () => {
    // A stored profile named "fitted", written directly: the refusal comes before any fitting.
    const { dataDir, env } = await freshStore();
    const database = await openDatabase({ dataDir });
    try {
      const axes = loadAxesFile();
      await saveThresholdProfile(database.db, {
        name: 'fitted',
        scorer: 'nli',
        axes: Object.fromEntries(axes.map((a) => [a.slug, { ...a.thresholds, temperature: 1 }])),
        axisVersions: Object.fromEntries(axes.map((a) => [a.slug, a.version])),
        models: {} as NewThresholdProfile['models'],
        setHash: 'test',
        setFile: 'test.jsonl',
        fit: {},
      });
    } finally {
      await database.close();
    }
    const again = await runCliInProcess(['eval', 'calibrate', '--set', GOLD, '--name', 'fitted'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/profile named "fitted" exists already/);
    expect(again.stderr).not.toContain('loading models');
    const missing = await runCliInProcess(['eval', '--set', GOLD, '--profile', 'missing'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no threshold profile named "missing"/);
  }, 240_000); // opens a store and runs the CLI twice: slow on a loaded machine
});
