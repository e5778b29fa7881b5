import { describe, expect, it } from 'vitest';
import { trainedMember } from '../../app/ensemble-members.ts';
import { parseArtifact, serializeArtifact, withVersion, type TrainedArtifact } from '../../pipeline/train/artifact.ts';
import { fitEnsemble, predictEnsemble } from '../../pipeline/train/ensemble.ts';
import { predict, predictLabels, type AxisLabelProbabilities } from '../../pipeline/train/predict.ts';
import { fitTemperature, temperatureNll, temperedSoftmax, TEMPERATURE_RANGE } from '../../pipeline/train/temperature.ts';
import { trainingFolds, trainModel, type TrainingItem } from '../../pipeline/train/train.ts';

const AXIS = { slug: 'sec', poles: ['security', 'rights'] as [string, string] };
const LABELS = ['security', 'rights', 'neutral', 'irrelevant'];

/** A small deterministic generator (mulberry32), so the synthetic problems are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A problem whose right temperature is known: true logits z, labels drawn from softmax(z), and
 * the "model" reports z * factor. softmax(model / T) is the true distribution at T = factor.
 */
function scaledProblem(n: number, factor: number, seed: number): { scores: number[][]; targets: number[] } {
  const r = rng(seed);
  const scores: number[][] = [];
  const targets: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = [0, 1, 2, 3].map(() => 3 * (r() - 0.5));
    const e = z.map(Math.exp);
    const total = e.reduce((a, b) => a + b, 0);
    let u = r() * total;
    let y = 0;
    while (y < 3 && u > (e[y] as number)) u -= e[y++] as number;
    targets.push(y);
    scores.push(z.map((v) => v * factor));
  }
  return { scores, targets };
}

/** Brute force: the NLL at 2,001 temperatures evenly spaced in ln T over the search range. */
function gridMinimum(scores: number[][], targets: number[]): { t: number; nll: number; step: number } {
  const lo = Math.log(TEMPERATURE_RANGE.min);
  const hi = Math.log(TEMPERATURE_RANGE.max);
  const step = (hi - lo) / 2000;
  let best = { t: 1, nll: Infinity, step };
  for (let k = 0; k <= 2000; k++) {
    const t = Math.exp(lo + k * step);
    const nll = temperatureNll(scores, targets, t);
    if (nll < best.nll) best = { t, nll, step };
  }
  return best;
}

describe('temperature scaling', () => {
  it('recovers a known temperature and minimises the NLL at least as well as a brute-force grid', () => {
    for (const factor of [3, 0.25]) {
      const { scores, targets } = scaledProblem(3000, factor, 11);
      const t = fitTemperature(scores, targets);
      // Sampling noise of 3,000 labels: within 10% of the factor the scores were scaled by.
      expect(Math.abs(t / factor - 1)).toBeLessThan(0.1);
      const grid = gridMinimum(scores, targets);
      expect(Math.abs(Math.log(t) - Math.log(grid.t))).toBeLessThanOrEqual(grid.step);
      expect(temperatureNll(scores, targets, t)).toBeLessThanOrEqual(grid.nll + 1e-12);
      expect(temperatureNll(scores, targets, t)).toBeLessThan(temperatureNll(scores, targets, 1));
    }
  });

  it('stops at the bound of the range when the data ask for a temperature outside it', () => {
    // Every label is the top-scored one: the NLL keeps falling as T shrinks.
    const scores = [[2, 0, 0, 0], [0, 3, 1, 0], [0, 0, 1, 0]];
    expect(fitTemperature(scores, [0, 1, 2])).toBeCloseTo(TEMPERATURE_RANGE.min, 9);
  });

  it('gives softmax(z / T), which is softmax(z) to the power 1/T renormalised, and keeps the order of the labels', () => {
    const z = [1.3, -0.2, 2.9, 0.4];
    const p1 = temperedSoftmax(z, 1);
    for (const t of [0.1, 0.5, 2, 15]) {
      const pt = temperedSoftmax(z, t);
      const powered = p1.map((p) => p ** (1 / t));
      const total = powered.reduce((a, b) => a + b, 0);
      pt.forEach((p, k) => expect(p).toBeCloseTo((powered[k] as number) / total, 12));
      const order = (p: number[]) => [0, 1, 2, 3].sort((a, b) => (p[b] as number) - (p[a] as number));
      expect(order(pt)).toEqual(order(p1));
    }
    expect(() => temperedSoftmax(z, 0)).toThrow(/temperature must be a finite number > 0/);
  });
});

/**
 * A noisy toy set: a cue word per label, but a quarter of the passages carry another label's
 * cue, so the out-of-fold predictions are neither all right nor all wrong.
 */
function noisySet(): TrainingItem[] {
  const cues: Record<string, string> = { security: 'cybercrime threats', rights: 'freedom expression', neutral: 'balance both', irrelevant: 'weather football' };
  return Array.from({ length: 48 }, (_, i) => {
    const label = LABELS[i % 4] as string;
    const cue = i % 5 === 0 ? (cues[LABELS[(i + 1) % 4] as string] as string) : (cues[label] as string);
    return { id: `n${i}`, doc: `d${Math.floor(i / 3)}`, text: `passage ${i} on ${cue} today`, labels: { sec: label } };
  });
}

const OPTIONS = { name: 'toy', split: 'dev' as const, seed: 3, cGrid: [0.1, 10], folds: 4, minDf: 2, tfidfLength: 2 };

describe('a trained model\'s temperature', () => {
  const items = noisySet();
  const artifact = trainModel(items, [AXIS], OPTIONS);
  const axis = artifact.axes[0] as TrainedArtifact['axes'][number];

  it('is the NLL minimiser of the out-of-fold predictions at the chosen C (recomputed here by refitting each fold)', () => {
    // Out-of-fold class scores, recomputed independently: each fold refitted with the chosen C
    // at T = 1; ln p differs from the class scores by a per-row constant, which softmax ignores.
    const folds = trainingFolds(items, artifact.training.folds, OPTIONS.seed);
    const scores: number[][] = new Array<number[]>(items.length);
    for (let f = 0; f < artifact.training.folds; f++) {
      const refit = trainModel(items.filter((_, i) => folds[i] !== f), [AXIS], { ...OPTIONS, cGrid: [], fixedC: { sec: axis.c } });
      const held = items.flatMap((_, i) => (folds[i] === f ? [i] : []));
      predict(refit, held.map((i) => (items[i] as TrainingItem).text)).forEach((p, j) => {
        scores[held[j] as number] = LABELS.map((l) => Math.log(p.sec?.[l] as number));
      });
    }
    const targets = items.map((i) => LABELS.indexOf(i.labels.sec as string));
    const grid = gridMinimum(scores, targets);
    expect(Math.abs(Math.log(axis.temperature) - Math.log(grid.t))).toBeLessThanOrEqual(grid.step + 1e-5);
    expect(axis.calibration?.n).toBe(items.length);
    expect(axis.calibration?.nll_t1).toBeCloseTo(temperatureNll(scores, targets, 1), 4);
    expect(axis.calibration?.nll).toBeCloseTo(grid.nll, 4);
    expect((axis.calibration?.nll as number) <= (axis.calibration?.nll_t1 as number)).toBe(true);
  });

  it('scales the probabilities that predict gives and leaves every most probable label as it was', () => {
    const texts = [...items.map((i) => i.text), 'cybercrime and freedom', 'nothing known here', 'balance weather threats'];
    const atOne = withTemperature(artifact, 1);
    const p1 = predict(atOne, texts);
    const pt = predict(artifact, texts);
    expect(axis.temperature).not.toBe(1);
    pt.forEach((p, i) => {
      const powered = LABELS.map((l) => (p1[i]?.sec?.[l] as number) ** (1 / axis.temperature));
      const total = powered.reduce((a, b) => a + b, 0);
      LABELS.forEach((l, k) => expect(p.sec?.[l]).toBeCloseTo((powered[k] as number) / total, 10));
    });
    for (const t of [0.05, 0.3, 3, 20]) expect(predictLabels(withTemperature(artifact, t), texts)).toEqual(predictLabels(atOne, texts));
  });

  it('is part of the content: another temperature, another version; it must be > 0', () => {
    const other = withTemperature(artifact, 2);
    expect(other.version).not.toBe(artifact.version);
    expect(parseArtifact(JSON.parse(serializeArtifact(other)), 'x').version).toBe(other.version);
    const bad = JSON.parse(serializeArtifact(artifact)) as TrainedArtifact;
    (bad.axes[0] as { temperature: number }).temperature = 0;
    expect(() => parseArtifact(bad, 'bad.json')).toThrow(/bad\.json: axes\.0\.temperature: must be > 0/);
    // A model of format 3 (no temperature) is refused by name, not read as uncalibrated.
    const old = { ...(JSON.parse(serializeArtifact(artifact)) as Record<string, unknown>), format_version: 3 };
    expect(() => parseArtifact(old, 'old.json')).toThrow(/old\.json: model format 3 is older .*retrain it with `stance train`/);
  });

  it('is kept by a refit with a fixed C (the ensemble\'s member refits), which fits none of its own', () => {
    const refit = trainModel(items, [AXIS], { ...OPTIONS, cGrid: [], fixedC: { sec: axis.c }, fixedTemperature: { sec: axis.temperature } });
    expect(refit.axes[0]?.temperature).toBe(axis.temperature);
    expect(refit.axes[0]?.calibration).toBeNull();
    expect(trainModel(items, [AXIS], { ...OPTIONS, cGrid: [], fixedC: { sec: axis.c } }).axes[0]?.temperature).toBe(1);
  });

  it('scales the out-of-fold probabilities of the model as an ensemble member', async () => {
    const member = trainedMember(artifact, [AXIS]);
    const folds = trainingFolds(items, 2, 5);
    const tempered = await member.outOfFold?.(items, folds);
    const plain = await trainedMember(withTemperature(artifact, 1), [AXIS]).outOfFold?.(items, folds);
    tempered?.forEach((p, i) => {
      const powered = LABELS.map((l) => (plain?.[i]?.sec?.[l] as number) ** (1 / axis.temperature));
      const total = powered.reduce((a, b) => a + b, 0);
      LABELS.forEach((l, k) => expect(p.sec?.[l]).toBeCloseTo((powered[k] as number) / total, 10));
    });
  });
});

describe('an ensemble\'s temperature', () => {
  it('is fitted on the stacker\'s out-of-fold scores and applied by predictEnsemble without changing its labels', () => {
    const items = noisySet();
    // One member, right on 3 items of 4 and far too sure of itself.
    const sure = (label: string): AxisLabelProbabilities => ({ sec: Object.fromEntries(LABELS.map((l) => [l, l === label ? 0.997 : 0.001])) });
    const member = items.map((item, i) => sure(i % 4 === 0 ? (LABELS[(LABELS.indexOf(item.labels.sec as string) + 1) % 4] as string) : (item.labels.sec as string)));
    const ensemble = fitEnsemble({ name: 'e', members: [{ name: 'm', version: '1' }], items, outOfFold: [member], axes: [AXIS], seed: 2, cGrid: [0.1, 1, 10], folds: 3 });
    const axis = ensemble.axes[0] as (typeof ensemble.axes)[number];
    expect(axis.calibration?.n).toBe(items.length);
    expect((axis.calibration?.nll as number) <= (axis.calibration?.nll_t1 as number)).toBe(true);
    const atOne = { ...ensemble, axes: [{ ...axis, temperature: 1 }] };
    const p1 = predictEnsemble(atOne, [member]);
    const pt = predictEnsemble(ensemble, [member]);
    const top = (p: Record<string, number> | undefined) => LABELS.reduce((b, l) => ((p?.[l] ?? 0) > (p?.[b] ?? 0) ? l : b), 'security');
    expect(pt.map((p) => top(p.sec))).toEqual(p1.map((p) => top(p.sec)));
    pt.forEach((p, i) => {
      const powered = LABELS.map((l) => (p1[i]?.sec?.[l] as number) ** (1 / axis.temperature));
      const total = powered.reduce((a, b) => a + b, 0);
      LABELS.forEach((l, k) => expect(p.sec?.[l]).toBeCloseTo((powered[k] as number) / total, 10));
    });
  });
});

/** The artifact with every axis at temperature t, under the version of its new content. */
function withTemperature(artifact: TrainedArtifact, t: number): TrainedArtifact {
  return withVersion({ ...artifact, axes: artifact.axes.map((a) => ({ ...a, temperature: t })) });
}
