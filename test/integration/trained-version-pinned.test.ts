import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDocuments } from '../../app/ingest.ts';
import { createStepContext } from '../../app/step-context.ts';
import { chunkDocument, scoreChunks, type StepContext } from '../../app/steps.ts';
import { chunks, stanceScores } from '../../db/schema/index.ts';
import { trainedModels } from '../../db/schema/index.ts';
import { DEFAULT_CHUNK_TOKENS } from '../../pipeline/chunk.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import { artifactVersion, type TrainedArtifact } from '../../pipeline/train/artifact.ts';
import { predictLabels } from '../../pipeline/train/predict.ts';
import { openTempPglite } from '../helpers/db.ts';
import { repoPath } from '../helpers/paths.ts';

// A run registers each trained model's version when it starts (its scorer id names it) and reads
// the artifact once. A newer version stored while the run goes on (someone runs `stance train`)
// must not be scored under the older version's id.

const withVersion = (a: TrainedArtifact): TrainedArtifact => ({ ...a, version: artifactVersion(a) });

let temp: Awaited<ReturnType<typeof openTempPglite>>;
let ctx: StepContext;
let first: TrainedArtifact;
let second: TrainedArtifact;
let chunkIds: number[];

beforeAll(async () => {
  temp = await openTempPglite();
  const db = temp.database.db;
  const shipped = JSON.parse(readFileSync(repoPath('config/trained/default.json'), 'utf8')) as TrainedArtifact;
  first = withVersion({ ...shipped, name: 'pinned' });
  // All weights zero: four equal probabilities, so every label is pole A (ties go to the first label).
  second = withVersion({ ...first, axes: first.axes.map((axis) => ({ ...axis, weights: axis.weights.map((row) => row.map(() => 0)) })) });
  await db.insert(trainedModels).values({ name: 'pinned', kind: 'trained', version: first.version, artifact: first });
  ctx = await createStepContext(db, undefined, loadAxesFile(), { chunkTokens: DEFAULT_CHUNK_TOKENS });
  const [outcome] = await ingestDocuments(db, [{ file: 'seed.txt', content: readFileSync(repoPath('seeds/001_d8a4bdd5ded1367b.txt')), meta: { source: 'S' } }], { maxDocBytes: 5_000_000 });
  if (outcome?.status !== 'created') throw new Error(`ingest failed: ${JSON.stringify(outcome)}`);
  chunkIds = await chunkDocument(ctx, outcome.documentId, DEFAULT_CHUNK_TOKENS);
  // Stored after the run started and before it scores.
  await db.insert(trainedModels).values({ name: 'pinned', kind: 'trained', version: second.version, artifact: second });
}, 60_000);
afterAll(async () => temp.cleanup());

describe('a run and a model retrained while it runs', () => {
  it('scores with the version it registered, whose id the rows carry', async () => {
    expect(ctx.registry.scorerKeys['trained:pinned']).toBe(`trained:pinned:${first.version}`);
    await scoreChunks(ctx, chunkIds, 'trained:pinned');
    const db = temp.database.db;
    const texts = await db.select({ id: chunks.id, text: chunks.text }).from(chunks).orderBy(chunks.id);
    const rows = await db
      .select({ chunkId: stanceScores.chunkId, axisId: stanceScores.axisId, label: stanceScores.label })
      .from(stanceScores)
      .where(and(eq(stanceScores.scorerId, ctx.registry.scorerIds['trained:pinned'] as number)));
    const axisSlug = new Map([...ctx.registry.axisIds].map(([slug, id]) => [id, slug]));
    const stored = rows.map((r) => `${r.chunkId}/${axisSlug.get(r.axisId)}=${r.label}`).sort();
    const labelsOf = (artifact: TrainedArtifact) =>
      predictLabels(artifact, texts.map((t) => t.text))
        .flatMap((perAxis, i) => Object.entries(perAxis).map(([axis, label]) => `${texts[i]?.id}/${axis}=${label}`))
        .sort();
    expect(stored).toHaveLength(texts.length * ctx.axes.length);
    expect(stored).toEqual(labelsOf(first));
    // The two versions label these chunks differently, so the check above tells them apart.
    expect(labelsOf(second)).not.toEqual(labelsOf(first));
  });
});
