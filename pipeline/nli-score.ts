import type { Axis } from './axes.ts';
import { inLengthSortedBatches } from './batching.ts';
import type { NliModel } from './models.ts';
import { axisIsGateable, passesGate, type NliGate } from './nli-gate.ts';
import { entailmentIndex, nliAxisScore, softmax, type AxisScore, type Thresholds } from './stance-score.ts';

type Role = 'a' | 'b' | 'relevance';
type NliPair = { chunk: number; axis: number; role: Role; premise: string; hypothesis: string };

/** A chunk's NLI result on one axis; gated: the cascade stopped it before the pole hypotheses. */
export type NliAxisScore = AxisScore & { gated?: true };

function hypothesesOf(axis: Axis, role: Role): string[] {
  if (role === 'a') return axis.poles[0].hypotheses;
  if (role === 'b') return axis.poles[1].hypotheses;
  return axis.relevance?.hypotheses ?? [];
}

/** Every (chunk, hypothesis) pair for the given axes and roles (all three by default), with where its result belongs. */
export function buildNliPairs(
  chunkTexts: string[],
  axes: Axis[],
  wanted: (chunk: number, axis: number, role: Role) => boolean = () => true,
): NliPair[] {
  const pairs: NliPair[] = [];
  for (let c = 0; c < chunkTexts.length; c++) {
    for (let x = 0; x < axes.length; x++) {
      for (const role of ['a', 'b', 'relevance'] as const) {
        if (!wanted(c, x, role)) continue;
        for (const hypothesis of hypothesesOf(axes[x] as Axis, role)) pairs.push({ chunk: c, axis: x, role, premise: chunkTexts[c] as string, hypothesis });
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
  /** The cascade's gate (pipeline/nli-gate.ts); absent: every hypothesis runs in one pass. */
  gate?: NliGate;
}

type Entailments = { a: number[]; b: number[]; relevance: number[] };

/**
 * Zero-shot stance of every chunk on every axis with batched passes over (chunk, hypothesis)
 * pairs, instead of the library's one forward pass per label. Entailment is read at the index the
 * model's own id2label gives. Without a gate, all pairs go in one pass; with one, the relevance
 * hypotheses go first and the pole hypotheses only for the (chunk, axis) pairs that pass it.
 * Returns scores[chunk][axis].
 */
export async function scoreWithNli(nli: NliModel, chunkTexts: string[], axes: Axis[], opts: NliScoreOptions): Promise<NliAxisScore[][]> {
  const entail = entailmentIndex(nli.id2label, nli.name);
  const collected: Entailments[][] = chunkTexts.map(() => axes.map(() => ({ a: [], b: [], relevance: [] })));
  const run = async (pairs: NliPair[]) => {
    const logits = await inLengthSortedBatches(pairs, (p) => p.premise.length + p.hypothesis.length, opts.batchSize, (batch) =>
      nli.logits(batch.map((p) => [p.premise, p.hypothesis])),
    );
    pairs.forEach((p, i) => {
      const temperature = opts.temperatures?.[(axes[p.axis] as Axis).slug] ?? 1;
      const probs = softmax(logits[i] as Float32Array, temperature);
      collected[p.chunk]?.[p.axis]?.[p.role].push(probs[entail] ?? 0);
    });
  };
  const thresholdsOf = (x: number) => opts.thresholds?.[(axes[x] as Axis).slug];
  const gate = opts.gate;
  if (!gate) {
    await run(buildNliPairs(chunkTexts, axes));
    return collected.map((perAxis) => perAxis.map((e, x) => nliAxisScore(e, axes[x] as Axis, thresholdsOf(x))));
  }
  // Axes without relevance hypotheses take relevance from the poles: they cannot be gated.
  const gateable = axes.map(axisIsGateable);
  await run(buildNliPairs(chunkTexts, axes, (_c, x, role) => role === 'relevance' && gateable[x] === true));
  const passed = collected.map((perAxis, c) =>
    perAxis.map((e, x) => !gateable[x] || passesGate(gate, axes[x] as Axis, Math.max(...e.relevance), chunkTexts[c] as string, thresholdsOf(x))),
  );
  await run(buildNliPairs(chunkTexts, axes, (c, x, role) => role !== 'relevance' && passed[c]?.[x] === true));
  return collected.map((perAxis, c) =>
    perAxis.map((e, x) => (passed[c]?.[x] ? nliAxisScore(e, axes[x] as Axis, thresholdsOf(x)) : gatedScore(Math.max(...e.relevance)))),
  );
}

/**
 * What a chunk stopped by the gate stores: irrelevant (its relevance is below the label
 * threshold, since the gate is at or below it), no pole evidence (probabilities and score 0).
 */
export function gatedScore(relevance: number): NliAxisScore {
  return { probA: 0, probB: 0, relevance: Math.min(1, Math.max(0, relevance)), score: 0, label: 'irrelevant', gated: true };
}
