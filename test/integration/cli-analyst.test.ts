import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIR_COLUMNS, POSITION_COLUMNS } from '../../app/compare/rows.ts';
import { openDatabase } from '../../db/client.ts';
import { parseCsv } from '../../pipeline/csv.ts';
import { restoreEnv } from '../helpers/env.ts';
import { runInProcess } from '../helpers/in-process-cli.ts';
import { nonSnakeKeys } from '../helpers/naming.ts';
import { buildScoreFixture, FIXTURE_AXES, fixtureCliEnv, type FixtureChunk, type FixtureDocument } from '../helpers/score-fixture.ts';
import { createTestDatabase, postgresAvailable } from '../helpers/services.ts';

// The analyst's commands (compare --csv / --pairs-csv, export in three formats, map --top and
// --sources, unknown names) run in this process on a store with known scores, on the embedded
// store and on Postgres. Expected numbers are computed here from the fixture's arrays.

const GOV = {
  Alpha: { scores: [-0.8, -0.6, -0.7, -0.9, 0.1], relevances: [0.9, 0.8, 0.7, 0.95, 0.2] },
  Beta: { scores: [0.7, 0.5, 0.9, -0.1], relevances: [0.8, 0.9, 0.6, 0.3] },
};
const label = (s: number, r: number) => (r < 0.5 ? 'irrelevant' : Math.abs(s) < 0.15 ? 'neutral' : s < 0 ? 'state' : 'multi');
const chunksOf = (name: keyof typeof GOV): FixtureChunk[] =>
  GOV[name].scores.map((s, i) => {
    const r = GOV[name].relevances[i] as number;
    return { text: `Passage ${i + 1} of ${name}, on who governs the Internet.`, scores: { gov: { score: s, relevance: r, label: label(s, r) } } };
  });
const DOCS: FixtureDocument[] = [
  { source: 'Alpha', actor: 'Delegate of Alpha', actorType: 'state', kind: 'speech', language: 'en', date: '2013', title: 'Alpha speech', chunks: chunksOf('Alpha') },
  { source: 'Beta', actor: 'Beta network', actorType: 'civil society', kind: 'statement', language: 'fr', date: '2019', title: 'Beta statement', chunks: chunksOf('Beta') },
];
const position = (name: keyof typeof GOV) => {
  const g = GOV[name];
  return g.scores.reduce((n, s, i) => n + s * (g.relevances[i] as number), 0) / g.relevances.reduce((n, r) => n + r, 0);
};
const labelCount = (name: keyof typeof GOV, l: string) => GOV[name].scores.filter((s, i) => label(s, GOV[name].relevances[i] as number) === l).length;

const saved = { ...process.env };
afterAll(() => {
  restoreEnv(saved);
});

/** Rows of a CSV as objects by header. */
function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}

const stores = [
  { name: 'embedded (PGlite)', postgres: false },
  { name: 'Postgres', postgres: true },
];

describe.each(stores)('analyst commands on $name', { timeout: 120_000 }, ({ postgres }) => {
  const work = mkdtempSync(join(tmpdir(), 'stance-analyst-'));
  let skip = false;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    let databaseUrl = '';
    if (postgres) {
      if (!(await postgresAvailable())) {
        skip = true;
        return;
      }
      const created = await createTestDatabase();
      databaseUrl = created.url;
      drop = created.drop;
    }
    const database = await openDatabase({ databaseUrl: databaseUrl || undefined, dataDir: join(work, 'store'), migrations: 'apply' });
    try {
      await buildScoreFixture(database.db, { axes: FIXTURE_AXES, documents: DOCS });
    } finally {
      await database.close();
    }
    // The CLI reads the fixture's axes (same definitions, same versions) and model names.
    Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: '', ...fixtureCliEnv(work) });
  });
  afterAll(async () => {
    await drop?.();
    rmSync(work, { recursive: true, force: true });
  });

  it('compare --csv prints one row per group with position, interval and label counts', async (ctx) => {
    if (skip) ctx.skip();
    const r = await runInProcess(['compare', '--axis', 'gov', '--scorer', 'nli', '--iterations', '300', '--csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseCsv(r.stdout)[0]).toEqual(POSITION_COLUMNS.map((c) => c.name));
    const rows = csvObjects(r.stdout);
    expect(rows.map((x) => x.group)).toEqual(['Alpha', 'Beta']);
    for (const row of rows) {
      const name = row.group as keyof typeof GOV;
      expect(Number(row.position)).toBeCloseTo(position(name), 6);
      expect(Number(row.ci_low)).toBeLessThanOrEqual(Number(row.position));
      expect(Number(row.ci_high)).toBeGreaterThanOrEqual(Number(row.position));
      expect(row).toMatchObject({ axis: 'gov', group_by: 'source', pole_a: 'state', pole_b: 'multi', n_chunks: String(GOV[name].scores.length) });
      expect([row.n_pole_a, row.n_pole_b, row.n_neutral, row.n_irrelevant].map(Number)).toEqual(['state', 'multi', 'neutral', 'irrelevant'].map((l) => labelCount(name, l)));
    }
  });

  it('compare --pairs-csv writes each pair with difference, interval, p and methods, matching the JSON', async (ctx) => {
    if (skip) ctx.skip();
    const file = join(work, 'pairs.csv');
    const r = await runInProcess(['compare', '--axis', 'gov', '--scorer', 'nli', '--iterations', '300', '--pairs-csv', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { pairs: { a: string; b: string; diff: number; p: number; ci: [number, number] }[] };
    const text = readFileSync(file, 'utf8');
    expect(parseCsv(text)[0]).toEqual(PAIR_COLUMNS.map((c) => c.name));
    const [pair, ...more] = csvObjects(text);
    expect(more).toEqual([]);
    expect(pair).toMatchObject({ a: 'Alpha', b: 'Beta', status: 'ok', ci_method: 'bootstrap', p_method: 'permutation', n_relevant_a: '4', n_relevant_b: '3' });
    expect(Number(pair?.diff)).toBeCloseTo(position('Alpha') - position('Beta'), 6);
    expect(Number(pair?.diff)).toBeCloseTo(json.pairs[0]?.diff ?? NaN, 9);
    expect(Number(pair?.p)).toBe(json.pairs[0]?.p);
    expect([Number(pair?.ci_low), Number(pair?.ci_high)]).toEqual(json.pairs[0]?.ci);
  });

  it('export writes documents, chunks with metadata, positions and pairs as CSV', async (ctx) => {
    if (skip) ctx.skip();
    const out = join(work, 'csv');
    const r = await runInProcess(['export', '--out', out, '--scorer', 'nli', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'csv', rows: { documents: 2, chunks: 9, positions: 2, pairs: 1 } });
    const chunks = csvObjects(readFileSync(join(out, 'chunks.csv'), 'utf8'));
    expect(chunks).toHaveLength(9);
    expect(chunks[0]).toMatchObject({ source: 'Alpha', actor: 'Delegate of Alpha', actor_type: 'state', kind: 'speech', language: 'en', date: '2013', axis: 'gov', label: label(-0.8, 0.9) });
    expect(chunks.at(-1)).toMatchObject({ source: 'Beta', actor: 'Beta network', actor_type: 'civil society', kind: 'statement', language: 'fr' });
    expect(csvObjects(readFileSync(join(out, 'documents.csv'), 'utf8')).map((d) => d.actor_type)).toEqual(['state', 'civil society']);
    const pairs = csvObjects(readFileSync(join(out, 'pairs.csv'), 'utf8'));
    expect(Number(pairs[0]?.diff)).toBeCloseTo(position('Alpha') - position('Beta'), 6);
  });

  it('export --format jsonl writes one snake_case object a line, numbers as numbers', async (ctx) => {
    if (skip) ctx.skip();
    const out = join(work, 'jsonl');
    const r = await runInProcess(['export', '--out', out, '--scorer', 'nli', '--format', 'jsonl']);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(out, 'chunks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(9);
    expect(lines.flatMap((l) => nonSnakeKeys(l))).toEqual([]);
    expect(lines[0]).toMatchObject({ source: 'Alpha', actor_type: 'state', score: expect.closeTo(-0.8, 5), relevance: expect.closeTo(0.9, 5) });
    const positions = readFileSync(join(out, 'positions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { group: string; position: number });
    expect(positions.find((p) => p.group === 'Beta')?.position).toBeCloseTo(position('Beta'), 6);
  });

  it('export --format parquet writes tables that read back with the same rows', async (ctx) => {
    if (skip) ctx.skip();
    const out = join(work, 'parquet');
    const r = await runInProcess(['export', '--out', out, '--scorer', 'nli', '--format', 'parquet']);
    expect(r.code, r.stderr).toBe(0);
    const read = async (table: string) => {
      const bytes = readFileSync(join(out, `${table}.parquet`));
      return (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) })) as Record<string, unknown>[];
    };
    const positions = await read('positions');
    expect(positions.map((p) => p.group)).toEqual(['Alpha', 'Beta']);
    expect(positions[0]?.position as number).toBeCloseTo(position('Alpha'), 6);
    expect(positions[0]?.n_pole_a).toBe(labelCount('Alpha', 'state'));
    const chunks = await read('chunks');
    expect(chunks).toHaveLength(9);
    expect(chunks[5]).toMatchObject({ source: 'Beta', actor_type: 'civil society', language: 'fr', label: label(0.7, 0.8) });
    expect((await read('pairs'))[0]?.p_method).toBe('permutation');
  });

  it('map --top N draws the N groups with the most relevant chunks, --sources only those named', async (ctx) => {
    if (skip) ctx.skip();
    const top = await runInProcess(['map', '--out', join(work, 'top.svg'), '--x-axis', 'gov', '--y-axis', 'sec', '--scorer', 'nli', '--top', '1', '--json']);
    expect(top.code, top.stderr).toBe(0);
    // Nothing is scored on sec: n_relevant is the smaller of the two axes, 0 for both; the tie goes to the first name.
    expect((JSON.parse(top.stdout) as { groups: { key: string }[] }).groups.map((g) => g.key)).toEqual(['Alpha']);
    const only = await runInProcess(['map', '--out', join(work, 'only.svg'), '--x-axis', 'gov', '--y-axis', 'sec', '--scorer', 'nli', '--sources', 'Beta', '--json']);
    expect(only.code, only.stderr).toBe(0);
    expect((JSON.parse(only.stdout) as { groups: { key: string }[] }).groups.map((g) => g.key)).toEqual(['Beta']);
    const zero = await runInProcess(['map', '--out', join(work, 'zero.svg'), '--top', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--top takes a whole number from 1');
    const same = await runInProcess(['map', '--out', join(work, 'same.svg'), '--x-axis', 'gov', '--y-axis', 'gov', '--scorer', 'nli']);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('--x-axis and --y-axis are both gov: a map needs two different axes');
    expect(existsSync(join(work, 'same.svg'))).toBe(false);
  });

  it('an output path that cannot be written exits 2 naming it and what is wrong, in every command that writes one', async (ctx) => {
    if (skip) ctx.skip();
    const missing = join(work, 'no-such-folder');
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string[], string][] = [
      [['map', '--out', join(missing, 'map.svg'), '--x-axis', 'gov', '--y-axis', 'sec', '--scorer', 'nli'], `cannot write ${join(missing, 'map.svg')}: the folder ${missing} does not exist`],
      [['map', '--out', work, '--x-axis', 'gov', '--y-axis', 'sec', '--scorer', 'nli'], `cannot write ${work}: it is a folder`],
      [['compare', '--axis', 'gov', '--scorer', 'nli', '--iterations', '300', '--pairs-csv', join(missing, 'p.csv')], `cannot write ${join(missing, 'p.csv')}: the folder ${missing} does not exist`],
      [['export', '--out', file, '--scorer', 'nli'], `cannot write ${file}: it is a file, not a folder`],
      [['export', '--out', join(file, 'tables'), '--scorer', 'nli', '--format', 'parquet'], `cannot write ${join(file, 'tables')}: ${file} is a file, not a folder`],
    ];
    for (const [args, message] of cases) {
      const r = await runInProcess(args);
      expect(r.code, `stance ${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`stance: ${message}`);
      expect(r.stderr).not.toContain('unexpected error');
    }
    // A table's file that is a folder stops the export at that table, by name.
    const tables = join(work, 'tables-in-the-way');
    mkdirSync(join(tables, 'chunks.csv'), { recursive: true });
    const blocked = await runInProcess(['export', '--out', tables, '--scorer', 'nli']);
    expect(blocked.code, blocked.stderr).toBe(2);
    expect(blocked.stderr).toContain(`stance: cannot write ${join(tables, 'chunks.csv')}: it is a folder`);
  });

  it('an unknown source or axis exits 2 listing the known ones, in every command that takes one', async (ctx) => {
    if (skip) ctx.skip();
    const cases: [string[], string][] = [
      [['evidence', '--source', 'Nobody', '--axis', 'gov', '--pole', 'state', '--scorer', 'nli'], 'unknown source "Nobody"; known sources: Alpha, Beta'],
      [['compare', '--sources', 'Alpha', 'Nobody', '--scorer', 'nli'], 'unknown source "Nobody"; known sources: Alpha, Beta'],
      [['map', '--out', join(work, 'x.svg'), '--sources', 'Nobody', '--scorer', 'nli'], 'unknown source "Nobody"; known sources: Alpha, Beta'],
      [['compare', '--axis', 'nope', '--scorer', 'nli'], 'unknown axis "nope"; known axes: gov, sec'],
      [['evidence', '--source', 'Alpha', '--axis', 'nope', '--pole', 'state'], 'unknown axis "nope"; known axes: gov, sec'],
      [['evidence', '--source', 'Alpha', '--axis', 'gov', '--pole', 'nope'], 'unknown pole "nope" for axis gov; its poles are state and multi'],
      [['map', '--out', join(work, 'x.svg'), '--x-axis', 'nope'], 'unknown axis "nope"; known axes: gov, sec'],
      [['rescore', '--axis', 'nope', '--scorer', 'lexicon'], 'unknown axis "nope"; known axes: gov, sec'],
    ];
    for (const [args, message] of cases) {
      const r = await runInProcess(args);
      expect(r.code, `stance ${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
    }
    // Known names still answer.
    const ok = await runInProcess(['evidence', '--source', 'Alpha', '--axis', 'gov', '--pole', 'state', '--scorer', 'nli', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { passages: unknown[] }).passages.length).toBe(labelCount('Alpha', 'state'));
  });
});
