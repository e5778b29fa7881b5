import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { runCompare, runEvidence, runSimilar, type QueryEnv } from '../../app/compare/service.ts';
import { exportCsv } from '../../app/compare/export.ts';
import type { Comparison } from '../../app/compare/compare.ts';
import type { Database } from '../../db/client.ts';
import { parseCsv } from '../../pipeline/csv.ts';
import { permutationPValue } from '../../pipeline/stats/difference.ts';
import { bootstrapReplicates, groupSeed, pairSeed } from '../../pipeline/stats/group-comparison.ts';
import { readChunks } from '../../pipeline/stats/input.ts';
import { percentileInterval } from '../../pipeline/stats/quantile.ts';
import { bootstrapPositionCI } from '../../pipeline/stats/position.ts';
import { openTempPglite } from '../helpers/db.ts';
import { buildScoreFixture, FIXTURE_AXES, FIXTURE_MODELS, unit, type FixtureChunk, type ScoreFixture } from '../helpers/score-fixture.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Known chunk scores on the "gov" axis (relevance threshold 0.5); the test derives every expected
// number from these arrays itself.
const A = { scores: [-0.8, -0.6, -0.7, -0.9, 0.1, -0.5], relevances: [0.9, 0.8, 0.7, 0.95, 0.2, 0.6] };
const B = { scores: [0.7, 0.5, 0.9, -0.1, 0.6], relevances: [0.8, 0.9, 0.6, 0.3, 0.7] };
const C = { scores: [0.3, -0.2], relevances: [0.9, 0.1] };
const label = (s: number, r: number) => (r < 0.5 ? 'irrelevant' : Math.abs(s) < 0.15 ? 'neutral' : s < 0 ? 'state' : 'multi');
const vectors: Record<string, number[][]> = {
  A: [[1, 0, 0], [0.9, 0.1, 0], [0.8, 0.2, 0.1], [1, 0.1, 0.1], [0, 0, 1], [0.7, 0.3, 0]],
  B: [[0.95, 0.05, 0], [0, 1, 0], [0.1, 0.9, 0], [0, 0.5, 0.5], [0.2, 0.8, 0]],
  C: [[0.5, 0.5, 0], [0, 0.1, 1]],
};
const chunksOf = (src: 'A' | 'B' | 'C', data: { scores: number[]; relevances: number[] }): FixtureChunk[] =>
  data.scores.map((s, i) => ({
    text: `Passage ${i + 1} of source ${src}, about who governs the Internet.`,
    scores: { gov: { score: s, relevance: data.relevances[i]!, label: label(s, data.relevances[i]!) } },
    vector: vectors[src]![i]!,
  }));
const weighted = (d: { scores: number[]; relevances: number[] }) =>
  d.scores.reduce((n, s, i) => n + s * d.relevances[i]!, 0) / d.relevances.reduce((n, r) => n + r, 0);

let database: Database;
let cleanup: () => Promise<void>;
let fixture: ScoreFixture;
let env: QueryEnv;

beforeAll(async () => {
  ({ database, cleanup } = await openTempPglite());
  fixture = await buildScoreFixture(database.db, {
    axes: FIXTURE_AXES,
    documents: [
      { source: 'A', actor: 'Delegate of A', date: '2012-05-01', language: 'en', title: 'A speech', url: 'https://a.example/speech', chunks: chunksOf('A', A) },
      { source: 'B', date: '2019', language: 'en', title: 'B statement', chunks: chunksOf('B', B) },
      { source: 'C', date: '2021-03', language: 'fr', title: 'C note', chunks: chunksOf('C', C) },
    ],
  });
  env = { db: database.db, config: FIXTURE_MODELS, axes: FIXTURE_AXES };
});
afterAll(async () => cleanup());

const one = async (params: Parameters<typeof runCompare>[1]): Promise<Comparison> => {
  const [c] = await runCompare(env, { axis: 'gov', iterations: 500, seed: 7, ...params });
  if (!c) throw new Error('no comparison');
  return c;
};

describe('compare', () => {
  it('computes each source position, counts and labels as the weighted mean of its chunks', async () => {
    const c = await one({});
    expect(c.groups.map((g) => g.key)).toEqual(['A', 'B', 'C']);
    const [a, b, cc] = c.groups;
    expect(a!.position).toBeCloseTo(weighted(A), 6);
    expect(b!.position).toBeCloseTo(weighted(B), 6);
    expect(cc!.position).toBeCloseTo(weighted(C), 6);
    expect([a!.n_chunks, a!.n_relevant, b!.n_relevant, cc!.n_relevant]).toEqual([6, 5, 4, 1]);
    expect(a!.labels).toEqual({ state: 5, multi: 0, neutral: 0, irrelevant: 1 });
  });

  it('gives reproducible 95% bootstrap intervals equal to the bootstrap of the chunks, and none with too few relevant chunks', async () => {
    const c = await one({});
    // Each group is resampled from its own seed, derived from the query seed and its key.
    const expectedA = bootstrapPositionCI(A.scores, A.relevances, { seed: groupSeed(7, 'A'), iterations: 500, relevanceThreshold: 0.5 });
    expect(c.groups[0]!.ci_method).toBe('bootstrap');
    expect(c.groups[0]!.ci![0]).toBeCloseTo(expectedA![0], 6);
    expect(c.groups[0]!.ci![1]).toBeCloseTo(expectedA![1], 6);
    expect(c.groups[0]!.ci![0]).toBeLessThanOrEqual(c.groups[0]!.position!);
    expect(c.groups[0]!.ci![1]).toBeGreaterThanOrEqual(c.groups[0]!.position!);
    expect(c.groups[2]!.ci).toBeNull();
    expect((await one({})).groups[1]!.ci).toEqual(c.groups[1]!.ci);
    expect((await one({ seed: 8 })).groups[0]!.ci).not.toEqual(c.groups[0]!.ci);
  });

  it('reports pairwise differences with intervals and permutation p-values, and the too-few state', async () => {
    const c = await one({});
    const ab = c.pairs.find((p) => p.a === 'A' && p.b === 'B')!;
    if (ab.status !== 'ok') throw new Error('expected a difference');
    expect(ab.diff).toBeCloseTo(weighted(A) - weighted(B), 6);
    expect([ab.ci_method, ab.p_method]).toEqual(['bootstrap', 'permutation']);
    // The pair's bootstrap is the difference of the two groups' own replicates.
    const repA = bootstrapReplicates(readChunks(A.scores, A.relevances), groupSeed(7, 'A'), 500);
    const repB = bootstrapReplicates(readChunks(B.scores, B.relevances), groupSeed(7, 'B'), 500);
    const expectedCi = percentileInterval(repA.map((x, k) => x - repB[k]!), 0.95);
    expect(ab.ci[0]).toBeCloseTo(expectedCi[0], 6);
    expect(ab.ci[1]).toBeCloseTo(expectedCi[1], 6);
    expect(ab.p).toBeCloseTo(permutationPValue(A, B, { seed: pairSeed(7, 'A', 'B'), permutations: 500 })!, 10);
    expect(ab.p).toBeLessThan(0.05);
    expect(c.pairs.find((p) => p.b === 'C')?.status).toBe('too_few_relevant_chunks');
    expect(c.pairs).toHaveLength(3);
  });

  it('filters by sources, dates and language, and groups by document or actor', async () => {
    expect((await one({ sources: ['A', 'C'] })).groups.map((g) => g.key)).toEqual(['A', 'C']);
    expect((await one({ dateFrom: '2019', dateTo: '2021' })).groups.map((g) => g.key)).toEqual(['B', 'C']);
    expect((await one({ dateFrom: '2019-06' })).groups.map((g) => g.key)).toEqual(['C']);
    expect((await one({ language: 'fr' })).groups.map((g) => g.key)).toEqual(['C']);
    const byDoc = await one({ by: 'document' });
    expect(byDoc.groups.map((g) => g.key)).toEqual([`${fixture.documents[0]!.id}: A speech`, `${fixture.documents[1]!.id}: B statement`, `${fixture.documents[2]!.id}: C note`]);
    expect((await one({ by: 'actor' })).groups.map((g) => g.key)).toEqual(['B', 'C', 'Delegate of A']);
  });

  it('rejects an unknown axis, scorer or grouping', async () => {
    await expect(runCompare(env, { axis: 'nope' })).rejects.toThrow(/unknown axis "nope"; known axes: gov, sec/);
    // Parameter validation (zod), the errors the HTTP layer turns into 400s naming the parameter.
    const scorer = runCompare(env, { axis: 'gov', scorer: 'bayes' as never });
    await expect(scorer).rejects.toThrow(ZodError);
    await expect(scorer).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ['scorer'], message: expect.stringMatching(/^unknown scorer "bayes"; known scorers: nli, prototype, lexicon/) as unknown })] });
    const by = runCompare(env, { axis: 'gov', by: 'country' as never });
    await expect(by).rejects.toThrow(ZodError);
    await expect(by).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ['by'], values: ['source', 'actor', 'actor_type', 'document'] })] });
    await expect(runCompare(env, { axis: 'sec' })).resolves.toEqual([expect.objectContaining({ groups: [] })]);
  });
});

describe('evidence', () => {
  it('returns the chunks of a source most strongly on a pole, quoted exactly from the stored text', async () => {
    const r = await runEvidence(env, { source: 'A', axis: 'gov', pole: 'state', limit: 3 });
    const order = A.scores.map((s, i) => ({ i, w: s * A.relevances[i]!, l: label(s, A.relevances[i]!) })).filter((x) => x.l === 'state').sort((x, y) => x.w - y.w);
    expect(r.passages.map((p) => p.chunk_id)).toEqual(order.slice(0, 3).map((x) => fixture.documents[0]!.chunkIds[x.i]));
    for (const p of r.passages) {
      expect(p.quote).toBe(fixture.documents[0]!.text.slice(p.start, p.end));
      expect(p).toMatchObject({ title: 'A speech', date: '2012-05-01', url: 'https://a.example/speech', label: 'state' });
    }
    expect((await runEvidence(env, { source: 'A', axis: 'gov', pole: 'multi' })).passages).toEqual([]);
    await expect(runEvidence(env, { source: 'A', axis: 'gov', pole: 'chaos' })).rejects.toThrow(/unknown pole "chaos" for axis gov/);
  });
});

describe('similar', () => {
  const all = () =>
    (['A', 'B', 'C'] as const).flatMap((src, d) => vectors[src]!.map((v, i) => ({ id: fixture.documents[d]!.chunkIds[i]!, src, i, v: unit(v) })));
  const cos = (a: number[], b: number[]) => a.reduce((n, x, i) => n + x * b[i]!, 0);

  it('finds the nearest chunks by exact cosine, excluding the query chunk', async () => {
    const q = all()[0]!;
    const expected = all().filter((c) => c.id !== q.id).sort((x, y) => cos(q.v, y.v) - cos(q.v, x.v) || x.id - y.id).slice(0, 4);
    const r = await runSimilar(env, { chunk: q.id, limit: 4 });
    expect(r.passages.map((p) => p.chunk_id)).toEqual(expected.map((c) => c.id));
    r.passages.forEach((p, i) => expect(p.similarity).toBeCloseTo(cos(q.v, expected[i]!.v), 5));
    // Each passage carries its own chunk's stance on every axis it was scored on (only gov here).
    r.passages.forEach((p, k) => {
      const { src, i } = expected[k]!;
      const data = { A, B, C }[src];
      const [score, relevance] = [data.scores[i]!, data.relevances[i]!];
      expect(p.stances).toEqual({ gov: expect.objectContaining({ score: expect.closeTo(score, 6), relevance: expect.closeTo(relevance, 6), label: label(score, relevance) }) });
    });
  });

  it('only looks at other sources when asked, and shows each passage with its stance', async () => {
    const q = all()[0]!;
    const r = await runSimilar(env, { chunk: q.id, otherSources: true, limit: 3 });
    expect(r.passages.every((p) => p.source !== 'A')).toBe(true);
    expect(r.passages[0]!.source).toBe('B');
    expect(r.passages[0]!.stances.gov).toMatchObject({ label: 'multi' });
  });

  it('embeds a free text query with the given embedder', async () => {
    const r = await runSimilar({ ...env, embedText: async () => Float32Array.from(unit([0, 0, 1])) }, { text: 'anything', limit: 2 });
    const expected = all().sort((x, y) => cos([0, 0, 1], y.v) - cos([0, 0, 1], x.v) || x.id - y.id).slice(0, 2);
    expect(r.passages.map((p) => p.chunk_id)).toEqual(expected.map((c) => c.id));
  });

  it('rejects bad queries with a message', async () => {
    await expect(runSimilar(env, { limit: 2 })).rejects.toThrow(/exactly one of `text` or `chunk`/);
    await expect(runSimilar(env, { chunk: 999_999 })).rejects.toThrow(/chunk 999999 does not exist/);
  });
});

describe('export', () => {
  it('writes documents, chunks with scores and positions as CSV that parses back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stance-export-'));
    const comparisons = await runCompare(env, { iterations: 200 });
    const counts = await exportCsv(database.db, dir, comparisons);
    expect(counts).toEqual({ documents: 3, chunks: 13, positions: 3, pairs: 3 });
    const docs = parseCsv(readFileSync(join(dir, 'documents.csv'), 'utf8'));
    expect(docs[0]).toContain('source');
    expect(docs.slice(1).map((r) => r[1])).toEqual(['A', 'B', 'C']);
    const chunks = parseCsv(readFileSync(join(dir, 'chunks.csv'), 'utf8'));
    const header = chunks[0]!;
    const first = Object.fromEntries(header.map((h, i) => [h, chunks[1]![i]]));
    expect(Number(first.score)).toBeCloseTo(A.scores[0]!, 6);
    expect(first.text).toBe('Passage 1 of source A, about who governs the Internet.');
    const positions = parseCsv(readFileSync(join(dir, 'positions.csv'), 'utf8'));
    expect(Number(positions[1]![5])).toBeCloseTo(weighted(A), 6);
  });
});
