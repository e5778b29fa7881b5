import type { Axis } from './axes.ts';
import { inLengthSortedBatches } from './batching.ts';
import type { NliModel } from './models.ts';
import { entailmentIndex, nliAxisScore, softmax, type AxisScore, type Thresholds } from './stance-score.ts';

type Role = 'a' | 'b' | 'relevance';

/** Every (chunk, hypothesis) pair for the given axes, with where its result belongs. */
export function buildNliPairs(chunkTexts: string[], axes: Axis[]): { chunk: number; axis: number; role: Role; premise: string; hypothesis: string }[] {
  const pairs = [];
  for (let c = 0; c < chunkTexts.length; c++) {
    for (let x = 0; x < axes.length; x++) {
      const axis = axes[x] as Axis;
      const groups: [Role, string[]][] = [
        ['a', axis.poles[0].hypotheses],
        ['b', axis.poles[1].hypotheses],
        ['relevance', axis.relevance?.hypotheses ?? []],
      ];
      for (const [role, hyps] of groups) {
        for (const hypothesis of hyps) pairs.push({ chunk: c, axis: x, role, premise: chunkTexts[c] as string, hypothesis });
      }
    }
  }
  return pairs;
}

export interface NliScoreOptions {
  batchSize: number;
  /** Per-axis softmax temperature (calibration); 1 when absent. */
  temperatures?: Record<string, number>;
  /** Per-axis thresholds overriding the axis file's (a calibrated profile). */
  thresholds?: Record<string, Thresholds>;
}

/**
 * Zero-shot stance of every chunk on every axis with one batched pass over all (chunk, hypothesis)
 * pairs, instead of the library's one forward pass per label. Entailment is read at the index the
 * model's own id2label gives. Returns scores[chunk][axis].
 */
export async function scoreWithNli(nli: NliModel, chunkTexts: string[], axes: Axis[], opts: NliScoreOptions): Promise<AxisScore[][]> {
  const entail = entailmentIndex(nli.id2label, nli.name);
  const pairs = buildNliPairs(chunkTexts, axes);
  const logits = await inLengthSortedBatches(pairs, (p) => p.premise.length + p.hypothesis.length, opts.batchSize, (batch) =>
    nli.logits(batch.map((p) => [p.premise, p.hypothesis])),
  );
  const collected = chunkTexts.map(() => axes.map(() => ({ a: [] as number[], b: [] as number[], relevance: [] as number[] })));
  pairs.forEach((p, i) => {
    const temperature = opts.temperatures?.[(axes[p.axis] as Axis).slug] ?? 1;
    const probs = softmax(logits[i] as Float32Array, temperature);
    collected[p.chunk]?.[p.axis]?.[p.role].push(probs[entail] ?? 0);
  });
  return collected.map((perAxis) => perAxis.map((e, x) => nliAxisScore(e, axes[x] as Axis, opts.thresholds?.[(axes[x] as Axis).slug])));
}
