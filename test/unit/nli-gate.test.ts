import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config/config.ts';
import type { Axis } from '../../pipeline/axes.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import type { NliModel } from '../../pipeline/models.ts';
import { gateRelevance, gateTag, parseGate, passesGate } from '../../pipeline/nli-gate.ts';
import { scoreWithNli } from '../../pipeline/nli-score.ts';

const [sov] = loadAxesFile() as [Axis, Axis];

// A fake NLI model with a known rule: a hypothesis is entailed when the premise contains its first
// word; it records the pairs of every forward pass so the test sees which hypotheses ran.
function keywordNli(): NliModel & { passes: string[][] } {
  const passes: string[][] = [];
  return {
    name: 'fake-nli', dtype: 'fp32', version: 'v', id2label: { 0: 'entailment', 1: 'neutral', 2: 'contradiction' }, maxTokens: 512, passes,
    countTokens: (t) => t.split(' ').length,
    logits: async (pairs) => {
      passes.push(pairs.map(([p, h]) => `${p.split(' ')[0]}|${h}`));
      return pairs.map(([premise, hyp]) => Float32Array.from([premise.toLowerCase().includes(hyp.split(' ')[0]!.toLowerCase()) ? 5 : -5, 0, 0]));
    },
  };
}

const axis = {
  ...sov,
  poles: [{ ...sov.poles[0], hypotheses: ['sovereignty matters.'] }, { ...sov.poles[1], hypotheses: ['stakeholders matter.'] }],
  relevance: { hypotheses: ['governance is discussed.'] },
} as Axis;
const { relevance: _none, ...noRelevanceAxis } = { ...axis, slug: 'plain' } as Axis;
const texts = ['Governance rests on sovereignty.', 'Governance needs all stakeholders.', 'Bananas are yellow.'];

describe('parseGate', () => {
  it('reads off and fractions in (0, 1], and refuses the rest', () => {
    expect(parseGate('off')).toBe('off');
    expect(parseGate(' OFF ')).toBe('off');
    expect(parseGate('0.5')).toEqual({ fraction: 0.5 });
    expect(parseGate('.25')).toEqual({ fraction: 0.25 });
    expect(parseGate('1')).toEqual({ fraction: 1 });
    for (const bad of ['0', '1.5', '-0.2', 'half', '', '50%']) expect(parseGate(bad)).toBeUndefined();
  });

  it('is on at half the threshold by default in the configuration, off when asked, and an error otherwise', () => {
    expect(parseConfig({}).nliGate).toEqual({ fraction: 0.5 });
    expect(parseConfig({ STANCE_NLI_GATE: 'off' }).nliGate).toBeUndefined();
    expect(parseConfig({ STANCE_NLI_GATE: '0.8', STANCE_NLI_GATE_FORCE_PASS_RATE: '0.25' }).nliGate).toEqual({ fraction: 0.8, forcePassRate: 0.25 });
    expect(() => parseConfig({ STANCE_NLI_GATE: '2' })).toThrow(ConfigError);
    expect(() => parseConfig({ STANCE_NLI_GATE: '2' })).toThrow(/STANCE_NLI_GATE="2": must be "off" or a fraction/);
  });
});

describe('the gate decision', () => {
  it('passes a chunk whose relevance reaches the fraction of the axis threshold (or of a profile threshold)', () => {
    const gate = { fraction: 0.5 };
    // The axes file's relevance threshold is 0.5: the gate is at 0.25.
    expect(gateRelevance(gate, sov)).toBe(0.5 * sov.thresholds.relevance);
    expect(passesGate(gate, sov, 0.25, 'x')).toBe(true);
    expect(passesGate(gate, sov, 0.2499, 'x')).toBe(false);
    expect(passesGate(gate, sov, 0.2, 'x', { relevance: 0.3, margin: 0.1 })).toBe(true);
  });

  it('forces a pass rate by chunk and axis, the same decision every time', () => {
    const gate = { fraction: 0.5, forcePassRate: 0.25 };
    const chunks = Array.from({ length: 2000 }, (_, i) => `chunk number ${i}`);
    const passed = chunks.filter((t) => passesGate(gate, sov, 0, t));
    // 2000 fair draws at 0.25: the count is within 5 standard deviations (about 97) of 500.
    expect(passed.length).toBeGreaterThan(400);
    expect(passed.length).toBeLessThan(600);
    expect(chunks.filter((t) => passesGate(gate, sov, 0, t))).toEqual(passed);
    expect(chunks.every((t) => passesGate({ fraction: 0.5, forcePassRate: 1 }, sov, 0, t))).toBe(true);
    expect(chunks.some((t) => passesGate({ fraction: 0.5, forcePassRate: 0 }, sov, 1, t))).toBe(false);
  });

  it('names the gate in the scorer version tag', () => {
    expect(gateTag(undefined)).toBeUndefined();
    expect(gateTag({ fraction: 0.5 })).toBe('gate=0.5');
    expect(gateTag({ fraction: 0.5, forcePassRate: 0.25 })).not.toBe(gateTag({ fraction: 0.5 }));
  });
});

describe('scoreWithNli with a gate', () => {
  it('runs the relevance hypotheses first and the poles only for chunks that pass; labels match the ungated run', async () => {
    const ungatedModel = keywordNli();
    const ungated = await scoreWithNli(ungatedModel, texts, [axis], { batchSize: 8 });
    const model = keywordNli();
    const gated = await scoreWithNli(model, texts, [axis], { batchSize: 8, gate: { fraction: 0.5 } });
    // Pass 1: the relevance hypothesis of all three chunks; pass 2: the poles of the two about governance.
    expect(model.passes.map((p) => p.length)).toEqual([3, 4]);
    expect(model.passes[0]!.every((p) => p.endsWith('governance is discussed.'))).toBe(true);
    expect(model.passes[1]!.some((p) => p.startsWith('Bananas'))).toBe(false);
    expect(gated.map((s) => s[0]!.label)).toEqual(ungated.map((s) => s[0]!.label));
    expect(gated.map((s) => s[0]!.label)).toEqual(['sovereignty', 'multistakeholder', 'irrelevant']);
    expect(gated[0]![0]).toEqual(ungated[0]![0]);
    expect(gated[2]![0]).toMatchObject({ label: 'irrelevant', gated: true, probA: 0, probB: 0, score: 0 });
    expect(gated[2]![0]!.relevance).toBeCloseTo(ungated[2]![0]!.relevance, 10);
    expect(ungated[2]![0]!.gated).toBeUndefined();
  });

  it('never gates an axis without relevance hypotheses (its relevance comes from the poles)', async () => {
    const model = keywordNli();
    const gated = await scoreWithNli(model, texts, [noRelevanceAxis], { batchSize: 8, gate: { fraction: 1 } });
    expect(gated.every((s) => s[0]!.gated === undefined)).toBe(true);
    // No relevance pass: all 3 x 2 pole pairs in one.
    expect(model.passes.map((p) => p.length)).toEqual([6]);
  });
});
