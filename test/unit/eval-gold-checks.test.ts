import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDataDir } from '../helpers/db.ts';
import { checkGoldSet, documentsInTwoSplits, GoldSetError, missingLabelWarnings, parseGoldSet, type GoldItem } from '../../eval/gold-set.ts';
import { runCliInProcess } from '../helpers/in-process-cli.ts';
import { TINY_MODEL_ENV } from '../helpers/models.ts';
import { repoPath } from '../helpers/paths.ts';

const AXES = [
  { slug: 'sovereignty_multistakeholder', poles: ['sovereignty', 'multistakeholder'] },
  { slug: 'security_rights', poles: ['security', 'rights'] },
] as const;

const line = (id: string, doc: string, split: string, sov: string, sec: string) =>
  JSON.stringify({ id, text: `Passage ${id}.`, source: 'test', doc, labels: { sovereignty_multistakeholder: sov, security_rights: sec }, split });

// Every label of both axes in both splits, documents d1/d2 in dev and d3/d4 in test.
const COMPLETE = [
  line('d1-p1', 'd1', 'dev', 'sovereignty', 'security'),
  line('d1-p2', 'd1', 'dev', 'multistakeholder', 'rights'),
  line('d2-p1', 'd2', 'dev', 'neutral', 'neutral'),
  line('d2-p2', 'd2', 'dev', 'irrelevant', 'irrelevant'),
  line('d3-p1', 'd3', 'test', 'sovereignty', 'security'),
  line('d3-p2', 'd3', 'test', 'multistakeholder', 'rights'),
  line('d4-p1', 'd4', 'test', 'neutral', 'neutral'),
  line('d4-p2', 'd4', 'test', 'irrelevant', 'irrelevant'),
];
const parse = (lines: string[]) => parseGoldSet(lines.join('\n'), 'set.jsonl', AXES);

describe('documentsInTwoSplits and checkGoldSet', () => {
  it('accepts a set split by document with every label in both splits, without warnings', async () => {
    expect(documentsInTwoSplits(parse(COMPLETE))).toEqual([]);
    expect(checkGoldSet(parse(COMPLETE), 'set.jsonl', AXES)).toEqual([]);
  });

  it('refuses a document in two splits, naming it, its ids per split and the line where it changes split', async () => {
    // d2-p2 (line 4) moved to test: d2 is now in both splits.
    const lines = COMPLETE.map((l) => (l.includes('"d2-p2"') ? l.replace('"split":"dev"', '"split":"test"') : l));
    expect(documentsInTwoSplits(parse(lines))).toEqual([{ doc: 'd2', ids: { dev: ['d2-p1'], test: ['d2-p2'] }, line: 4 }]);
    let error: unknown;
    try {
      checkGoldSet(parse(lines), 'set.jsonl', AXES);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GoldSetError);
    expect((error as GoldSetError).message).toBe(
      'set.jsonl:4: split: document "d2" is in both splits: dev (d2-p1) and test (d2-p2). All passages of a document must be in one split: give them the same "split"',
    );
  });

  it('names every document that is in two splits', async () => {
    const lines = [...COMPLETE, line('d1-p3', 'd1', 'test', 'neutral', 'neutral'), line('d4-p3', 'd4', 'dev', 'neutral', 'neutral')];
    expect(documentsInTwoSplits(parse(lines)).map((c) => [c.doc, c.ids.dev, c.ids.test])).toEqual([
      ['d1', ['d1-p1', 'd1-p2'], ['d1-p3']],
      ['d4', ['d4-p3'], ['d4-p1', 'd4-p2']],
    ]);
  });

  it('does not group items without a document', async () => {
    const noDoc = (id: string, split: string) => JSON.stringify({ id, text: 't', source: 's', labels: { sovereignty_multistakeholder: 'neutral', security_rights: 'neutral' }, split });
    expect(documentsInTwoSplits(parse([noDoc('a', 'dev'), noDoc('b', 'test')]))).toEqual([]);
  });

  it('warns once per split and axis for the labels the split lacks, and not for a split with no items', async () => {
    // Test split: no "sovereignty" and no "neutral" on axis 1 (d3-p1 relabelled, d4-p1 relabelled); dev is complete.
    const lines = COMPLETE.map((l) =>
      l.includes('"d3-p1"') || l.includes('"d4-p1"') ? l.replace(/"sovereignty_multistakeholder":"[a-z]+"/, '"sovereignty_multistakeholder":"irrelevant"') : l,
    );
    const warnings = missingLabelWarnings(parse(lines), AXES);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^the test split \(4 item\(s\)\) has no item labelled "sovereignty", "neutral" on axis sovereignty_multistakeholder: /);
    // Only dev items: the empty test split is not warned about; dev lacks nothing.
    expect(missingLabelWarnings(parse(COMPLETE.slice(0, 4)), AXES)).toEqual([]);
  });
});

describe('the project gold set', () => {
  const gold = parseGoldSet(readFileSync(repoPath('eval/gold.jsonl'), 'utf8'), 'eval/gold.jsonl', AXES);

  it('has no document in two splits and every label of both axes in both splits', async () => {
    expect(gold.length).toBeGreaterThan(0);
    expect(checkGoldSet(gold, 'eval/gold.jsonl', AXES)).toEqual([]);
  });

  it('keeps the split by document with the unlabelled new items added', async () => {
    const added = readFileSync(repoPath('eval/taggings/new-items.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l, i): GoldItem => ({ ...(JSON.parse(l) as Omit<GoldItem, 'labels' | 'line'>), labels: {}, line: i + 1 }));
    expect(added.length).toBeGreaterThan(0);
    expect(documentsInTwoSplits([...gold, ...added])).toEqual([]);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'stance-gold-checks-'));
// The store: a copy of the run's empty, migrated template.
const env = { STANCE_DATA_DIR: '', STANCE_THRESHOLD_PROFILE: '', STANCE_AXES_FILE: '', ...TINY_MODEL_ENV };
beforeAll(async () => {
  env.STANCE_DATA_DIR = await freshDataDir();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(env.STANCE_DATA_DIR, { recursive: true, force: true });
});

describe('stance eval with the set checks', () => {
  it('refuses a set with a document in two splits: exit 2, the document and ids named, no model loaded', async () => {
    const file = join(dir, 'two-splits.jsonl');
    writeFileSync(file, `${[...COMPLETE, line('d1-p3', 'd1', 'test', 'neutral', 'neutral')].join('\n')}\n`);
    const r = await runCliInProcess(['eval', '--set', file, '--split', 'all', '--json'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:9: split: document "d1" is in both splits: dev (d1-p1, d1-p2) and test (d1-p3)`);
    expect(r.stderr).not.toContain('loading models');
    expect(r.stdout).toBe('');
  });

  it('warns on stderr and in the JSON warnings when a split lacks a label, and still evaluates', async () => {
    const file = join(dir, 'lacking.jsonl');
    // Dev lacks "rights" on axis 2 (d1-p2 relabelled "security"); test is complete.
    writeFileSync(file, `${COMPLETE.map((l) => (l.includes('"d1-p2"') ? l.replace('"rights"', '"security"') : l)).join('\n')}\n`);
    const r = await runCliInProcess(['eval', '--set', file, '--split', 'test', '--scorer', 'prototype', '--json'], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { warnings: string[] };
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatch(/^the dev split \(4 item\(s\)\) has no item labelled "rights" on axis security_rights/);
    expect(r.stderr).toContain(`warning: ${out.warnings[0]}`);
    // Loads the tiny models in a child process: on a loaded 2-core machine this can pass the
    // default 60 s, so it gets the child's own limit (runCli, 120 s) and some margin.
  }, 150_000);
});
