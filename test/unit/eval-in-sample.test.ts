import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inSampleNote, splitsOverlap } from '../../eval/in-sample.ts';
import { formatPairsText } from '../../eval/report-text.ts';
import { freshEvalStore } from '../helpers/eval-store.ts';
import { writeGoldSubset } from '../helpers/gold-subset.ts';
import { runCliInProcess } from '../helpers/in-process-cli.ts';

describe('in-sample notes', () => {
  it('flags a fitting whose split overlaps the evaluated one, and only those', () => {
    expect(splitsOverlap('dev', 'dev')).toBe(true);
    expect(splitsOverlap('dev', 'test')).toBe(false);
    expect(splitsOverlap('test', 'dev')).toBe(false);
    expect(splitsOverlap('dev', 'all')).toBe(true);
    expect(splitsOverlap('all', 'test')).toBe(true);
    const fittings = [{ what: 'ensemble:default', split: 'dev' as const }, { what: 'its member trained:x', split: 'all' as const }];
    expect(inSampleNote(fittings, 'dev')).toBe('in-sample: fitted on dev and all (ensemble:default, its member trained:x), these numbers are not an estimate of accuracy');
    // On test only the member trained on all of the set saw the items.
    expect(inSampleNote(fittings, 'test')).toBe('in-sample: fitted on all (its member trained:x), these numbers are not an estimate of accuracy');
    expect(inSampleNote([{ what: 'trained:default', split: 'dev' }], 'test')).toBeNull();
    expect(inSampleNote([], 'all')).toBeNull();
  });

  it('says so in a pair verdict that involves an in-sample system', () => {
    const pairs = [
      { axis: 'x', a: 'trained:default', b: 'lexicon', diff: 0.3, ci: [0.2, 0.4] as [number, number] },
      { axis: 'x', a: 'lexicon', b: 'baseline:bow', diff: 0.1, ci: [0.05, 0.2] as [number, number] },
    ];
    const text = formatPairsText(pairs, new Set(['trained:default']));
    expect(text).toMatch(/trained:default better \(in-sample: trained:default\)/);
    expect(text).toMatch(/lexicon better\n?$/m);
    expect(text).not.toMatch(/lexicon better \(in-sample/);
  });
});

describe('stance eval of a scorer fitted on the evaluated split', () => {
  it('marks trained:default and ensemble:default on dev as in-sample (text, --json, stance scorers), not on test', async () => {
    const { dataDir, env } = await freshEvalStore();
    const set = join(dataDir, 'gold.jsonl');
    writeGoldSubset(set, 2, 2);
    const args = ['eval', '--set', set, '--scorer', 'lexicon,trained:default,ensemble:default', '--replicates', '50'];

    const dev = await runCliInProcess([...args, '--split', 'dev', '--json'], env);
    expect(dev.code).toBe(0);
    const json = JSON.parse(dev.stdout) as { scorers: Record<string, { fitted_on_evaluated_split: boolean; in_sample_note: string | null }> };
    // The shipped artifacts record training on the dev split (config/trained/*.json, training.split).
    expect(json.scorers['trained:default']).toMatchObject({ fitted_on_evaluated_split: true, in_sample_note: expect.stringMatching(/^in-sample: fitted on dev \(trained:default\), these numbers are not an estimate of accuracy$/) });
    expect(json.scorers['ensemble:default']).toMatchObject({ fitted_on_evaluated_split: true, in_sample_note: expect.stringContaining('its member trained:default') });
    expect(json.scorers.lexicon).toMatchObject({ fitted_on_evaluated_split: false, in_sample_note: null });

    const text = await runCliInProcess([...args, '--split', 'dev'], env);
    expect(text.stdout).toMatch(/### Scorer trained:default [^\n]*\n\nin-sample: fitted on dev \(trained:default\), these numbers are not an estimate of accuracy\n/);
    expect(text.stdout).not.toMatch(/### Scorer lexicon [^\n]*\n\nin-sample/);

    const scorers = await runCliInProcess(['scorers', '--json'], env);
    const listed = JSON.parse(scorers.stdout) as { scorers: { name: string; latest_eval: { split: string; fitted_on_evaluated_split: boolean } | null }[] };
    const latest = (name: string) => listed.scorers.find((s) => s.name === name)?.latest_eval;
    expect(latest('trained:default')).toMatchObject({ split: 'dev', fitted_on_evaluated_split: true });
    expect(latest('lexicon')).toMatchObject({ split: 'dev', fitted_on_evaluated_split: false });
    const table = await runCliInProcess(['scorers'], env);
    expect(table.stdout).toMatch(/^trained:default .*dev of .*\(run \d+, in-sample\)/m);
    expect(table.stdout).toMatch(/^lexicon .*dev of .*\(run \d+\):/m);

    // On test the shipped models never saw the items.
    const test = await runCliInProcess([...args, '--split', 'test', '--json'], env);
    const testJson = JSON.parse(test.stdout) as { scorers: Record<string, { fitted_on_evaluated_split: boolean }> };
    expect(testJson.scorers['trained:default']?.fitted_on_evaluated_split).toBe(false);
    expect(testJson.scorers['ensemble:default']?.fitted_on_evaluated_split).toBe(false);
  }, 120_000);
});
