import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadThresholdProfile, saveThresholdProfile, scoringSettingsWithProfile, type NewThresholdProfile } from '../../app/eval-threshold-profiles.ts';
import { openDatabase } from '../../db/client.ts';
import { chooseTemperature, fitThresholds, MIN_NLL_GAIN } from '../../eval/calibration.ts';
import { labelProbabilities, meanNegativeLogLikelihood } from '../../eval/label-probabilities.ts';
import { parseAxes } from '../../pipeline/axes.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import { combineAxisScore } from '../../pipeline/stance-score.ts';
import { runCli } from '../helpers/cli.ts';
import { TINY_MODEL_ENV } from '../helpers/models.ts';
import { repoPath } from '../helpers/paths.ts';

const AXIS = { slug: 'sovereignty_multistakeholder', poles: ['sovereignty', 'multistakeholder'] } as const;

describe('label probabilities (the confidence behind ECE and the NLL)', () => {
  it('splits relevance between neutral and the leading pole, and sums to 1', () => {
    const p = labelProbabilities(AXIS, { probA: 0.6, probB: 0.2, relevance: 0.8 });
    // d = 0.4 / 0.8 = 0.5
    expect(p.sovereignty).toBeCloseTo(0.4, 12);
    expect(p.multistakeholder).toBe(0);
    expect(p.neutral).toBeCloseTo(0.4, 12);
    expect(p.irrelevant).toBeCloseTo(0.2, 12);
    const q = labelProbabilities(AXIS, { probA: 0, probB: 0, relevance: 1.2 });
    expect(q).toEqual({ sovereignty: 0, multistakeholder: 0, neutral: 1, irrelevant: 0 });
    const r = labelProbabilities(AXIS, { probA: 0.1, probB: 0.9, relevance: 0.5 });
    expect(Object.values(r).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(r.multistakeholder).toBeCloseTo(0.4, 12);
  });

  it('takes the mean NLL of the gold labels, with a floor for impossible labels', () => {
    const probs = [{ a: 0.5, b: 0.5 }, { a: 0.25, b: 0.75 }, { a: 0, b: 1 }];
    expect(meanNegativeLogLikelihood(['a', 'b', 'b'], probs)).toBeCloseTo((Math.log(2) + Math.log(4 / 3) + 0) / 3, 12);
    expect(meanNegativeLogLikelihood(['a'], [{ a: 0 }])).toBeCloseTo(-Math.log(1e-6), 9);
    expect(meanNegativeLogLikelihood([], [])).toBeNaN();
  });
});

describe('fitting thresholds and temperatures', () => {
  const axis = parseAxes(JSON.parse(readFileSync(repoPath('config/axes.json'), 'utf8')), 'axes.json')[0]!;
  const label = (e: { probA: number; probB: number; relevance: number }, th: { relevance: number; margin: number }) =>
    combineAxisScore(e.probA, e.probB, e.relevance, axis, th).label;

  it('finds thresholds that separate the gold labels, starting from the axis file', () => {
    // Gold needs relevance in (0.2, 0.35] and margin in (0.35, 0.6]; the axis file says 0.5 and 0.15.
    const evidence = [
      { probA: 0.9, probB: 0.1, relevance: 0.35 }, // score -0.8 -> sovereignty
      { probA: 0.1, probB: 0.7, relevance: 0.6 }, // +0.6 -> multistakeholder
      { probA: 0.5, probB: 0.3, relevance: 0.9 }, // -0.2 -> neutral
      { probA: 0.4, probB: 0.75, relevance: 0.4 }, // +0.35 -> neutral
      { probA: 0.9, probB: 0.0, relevance: 0.2 }, // irrelevant
      { probA: 0.0, probB: 0.9, relevance: 0.1 }, // irrelevant
    ];
    const gold = ['sovereignty', 'multistakeholder', 'neutral', 'neutral', 'irrelevant', 'irrelevant'];
    const fit = fitThresholds(AXIS, evidence, gold, axis.thresholds, label);
    expect(fit.macroF1).toBe(1);
    expect(fit.startMacroF1).toBeLessThan(1);
    // Of the equally good thresholds, the one nearest the start (0.5, 0.15).
    expect(fit.thresholds).toEqual({ relevance: 0.35, margin: 0.375 });
    expect(evidence.map((e) => label(e, fit.thresholds))).toEqual(gold);
  });

  it('keeps the starting thresholds when nothing does better', () => {
    const evidence = [{ probA: 0.9, probB: 0.1, relevance: 0.9 }];
    expect(fitThresholds(AXIS, evidence, ['sovereignty'], axis.thresholds, label).thresholds).toEqual(axis.thresholds);
  });

  it('keeps temperature 1 unless another lowers the dev NLL by a clear margin', () => {
    expect(chooseTemperature(new Map([[0.5, 1.2], [1, 1.0], [2, 1.0 - MIN_NLL_GAIN / 2]])).temperature).toBe(1);
    expect(chooseTemperature(new Map([[0.5, 0.95], [1, 1.0], [2, 0.9]]))).toEqual({ temperature: 2, nll: 0.9, nllAtOne: 1.0 });
    expect(() => chooseTemperature(new Map([[2, 1]]))).toThrow(/temperature 1/);
  });
});

// Each CLI test its own data dir (its own embedded store), so no test sees another's profiles.
const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});
function freshStore(): { dataDir: string; env: Record<string, string> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'stance-calibrate-'));
  dataDirs.push(dataDir);
  return { dataDir, env: { STANCE_DATA_DIR: dataDir, STANCE_THRESHOLD_PROFILE: '', STANCE_AXES_FILE: '', ...TINY_MODEL_ENV } };
}
const GOLD = repoPath('eval/gold.jsonl');
const goldLines = (): string[] => readFileSync(GOLD, 'utf8').split('\n').filter((l) => l.trim() !== '');

type Confusion = { labels: string[]; matrix: number[][] };

describe('stance eval calibrate', () => {
  it('refuses to fit on test items, and on a set without dev items', () => {
    const { dataDir, env } = freshStore();
    const r = runCli(['eval', 'calibrate', '--set', GOLD, '--split', 'test'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/fits on the dev split only and refuses --split test/);
    const testOnly = join(dataDir, 'test-only.jsonl');
    writeFileSync(testOnly, goldLines().filter((l) => (JSON.parse(l) as { split: string }).split === 'test').join('\n'));
    const t = runCli(['eval', 'calibrate', '--set', testOnly], env);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/has no dev items/);
  });

  it('stores a profile that changes the labels; eval with the profile gives the "after" numbers', async () => {
    const { dataDir, env } = freshStore();
    const c = runCli(['eval', 'calibrate', '--set', GOLD, '--name', 'fitted', '--json'], env);
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
    const e = runCli(['eval', '--set', GOLD, '--split', 'test', '--json'], { ...env, STANCE_THRESHOLD_PROFILE: 'fitted' });
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
    const { dataDir, env } = freshStore();
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
    const again = runCli(['eval', 'calibrate', '--set', GOLD, '--name', 'fitted'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/profile named "fitted" exists already/);
    expect(again.stderr).not.toContain('loading models');
    const missing = runCli(['eval', '--set', GOLD, '--profile', 'missing'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no threshold profile named "missing"/);
  }, 240_000); // opens a store and runs the CLI twice: slow on a loaded machine
});
