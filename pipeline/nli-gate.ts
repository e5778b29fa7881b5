import { createHash } from 'node:crypto';
import type { Axis } from './axes.ts';
import type { Thresholds } from './stance-score.ts';

/**
 * The NLI cascade's gate: the relevance hypothesis runs first, and an axis's pole hypotheses run
 * only for chunks whose relevance reaches `fraction` x the axis's relevance threshold. With
 * fraction <= 1 the gate sits at or below the label threshold, so a chunk it stops would have been
 * labelled irrelevant anyway: labels never change, only the pole probabilities of those chunks
 * are not computed.
 */
export interface NliGate {
  /** In (0, 1]: the share of the axis's relevance threshold a chunk's relevance must reach. */
  fraction: number;
  /**
   * Benchmark hook: pass this share of (chunk, axis) pairs, chosen by a hash of the chunk text
   * and axis slug, whatever their relevance (a random model's relevance means nothing).
   */
  forcePassRate?: number;
}

/** Parses STANCE_NLI_GATE: "off", or a fraction in (0, 1]; undefined when the text is neither. */
export function parseGate(text: string): NliGate | 'off' | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'off') return 'off';
  if (!/^(\d+\.?\d*|\.\d+)$/.test(t)) return undefined;
  const fraction = Number(t);
  return fraction > 0 && fraction <= 1 ? { fraction } : undefined;
}

/** The part of a scorer version key that names the gate: a gated run never shares rows with an ungated one. */
export function gateTag(gate: NliGate | undefined): string | undefined {
  if (!gate) return undefined;
  return gate.forcePassRate === undefined ? `gate=${gate.fraction}` : `gate=${gate.fraction},forced=${gate.forcePassRate}`;
}

/** The relevance a chunk needs on an axis to get its pole hypotheses scored. */
export function gateRelevance(gate: NliGate, axis: Axis, thresholds: Thresholds = axis.thresholds): number {
  return gate.fraction * thresholds.relevance;
}

/** True when the axis can be gated: relevance comes from its own hypotheses, not from the poles. */
export function axisIsGateable(axis: Axis): boolean {
  return (axis.relevance?.hypotheses.length ?? 0) > 0;
}

/** Whether a chunk with this relevance on this axis passes the gate (its pole hypotheses run). */
export function passesGate(gate: NliGate, axis: Axis, relevance: number, chunkText: string, thresholds?: Thresholds): boolean {
  if (gate.forcePassRate !== undefined) return forcedPass(chunkText, axis.slug, gate.forcePassRate);
  return relevance >= gateRelevance(gate, axis, thresholds);
}

// A uniform number in [0, 1) from the chunk and the axis: the same chunk passes in every run.
function forcedPass(chunkText: string, axisSlug: string, rate: number): boolean {
  const h = createHash('sha256').update(axisSlug).update('\0').update(chunkText).digest();
  return h.readUInt32BE(0) / 2 ** 32 < rate;
}
