import { describe, expect, it } from 'vitest';
import type { Axis } from '../../pipeline/axes.ts';
import { loadAxesFile } from '../../pipeline/load-axes.ts';
import type { NliModel } from '../../pipeline/models.ts';
import { buildNliPairs, scoreWithNli } from '../../pipeline/nli-score.ts';
import { prototypeAxisScore, prototypesFrom } from '../../pipeline/prototype-score.ts';
import { combineAxisScore, entailmentIndex, nliAxisScore, softmax } from '../../pipeline/stance-score.ts';
import { l2Normalize } from '../../pipeline/vectors.ts';

const [sov, sec] = loadAxesFile() as [Axis, Axis];

describe('combineAxisScore', () => {
  it('maps pole probabilities to a score in [-1, 1] and a label by the thresholds', () => {
    expect(combineAxisScore(0.9, 0.1, 0.8, sov)).toMatchObject({ score: -0.8, label: 'sovereignty' });
    expect(combineAxisScore(0.1, 0.7, 0.8, sov)).toMatchObject({ label: 'multistakeholder' });
    expect(combineAxisScore(0.1, 0.7, 0.8, sov).score).toBeCloseTo(0.6);
    // |score| = 0.1 < margin 0.15 -> neutral; relevance 0.3 < 0.5 -> irrelevant whatever the score.
    expect(combineAxisScore(0.5, 0.6, 0.8, sov).label).toBe('neutral');
    expect(combineAxisScore(0.9, 0.0, 0.3, sov).label).toBe('irrelevant');
  });

  it('uses given thresholds over the axis file', () => {
    expect(combineAxisScore(0.5, 0.6, 0.8, sov, { relevance: 0.5, margin: 0.05 }).label).toBe('multistakeholder');
    expect(combineAxisScore(0.9, 0.0, 0.3, sov, { relevance: 0.2, margin: 0.15 }).label).toBe('sovereignty');
  });
});

describe('nliAxisScore', () => {
  it('takes the strongest hypothesis per pole and the relevance hypothesis', () => {
    const s = nliAxisScore({ a: [0.2, 0.7, 0.1], b: [0.3, 0.2], relevance: [0.9] }, sec);
    expect(s).toMatchObject({ probA: 0.7, probB: 0.3, relevance: 0.9, label: 'security' });
    expect(s.score).toBeCloseTo(-0.4);
  });
  it('falls back to the stronger pole for relevance when the axis has no relevance hypothesis', () => {
    const { relevance: _r, ...noRel } = sec;
    expect(nliAxisScore({ a: [0.2], b: [0.45], relevance: [] }, noRel).relevance).toBe(0.45);
  });
});

describe('entailmentIndex', () => {
  it('reads the entailment position from id2label, whatever the order', () => {
    expect(entailmentIndex({ 0: 'entailment', 1: 'neutral', 2: 'contradiction' }, 'm')).toBe(0);
    expect(entailmentIndex({ 0: 'contradiction', 1: 'neutral', 2: 'entailment' }, 'm')).toBe(2);
    expect(entailmentIndex({ 0: 'CONTRADICTION', 1: 'ENTAILMENT', 2: 'NEUTRAL' }, 'm')).toBe(1);
  });
  it('refuses a model without an entailment label, naming it', () => {
    expect(() => entailmentIndex({ 0: 'LABEL_0', 1: 'LABEL_1' }, 'some/classifier')).toThrow(/some\/classifier has no entailment label.*0=LABEL_0, 1=LABEL_1/);
  });
});

describe('softmax', () => {
  it('sums to one and sharpens or flattens with the temperature', () => {
    const p = softmax([2, 1, 0]);
    expect(p.reduce((a, b) => a + b)).toBeCloseTo(1);
    expect(p[0]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + Math.exp(1) + 1));
    expect(softmax([2, 1, 0], 10)[0]).toBeLessThan(p[0]!);
    expect(softmax([2, 1, 0], 0.1)[0]).toBeGreaterThan(0.99);
  });
});

// A fake NLI model with a known rule: a hypothesis is entailed when the premise contains its first
// word. Lets the test check the whole mapping (pairs -> batches -> id2label -> poles -> labels).
function keywordNli(id2label: Record<string, string>): NliModel & { calls: number[] } {
  const entail = Number(Object.entries(id2label).find(([, l]) => l === 'entailment')![0]);
  const calls: number[] = [];
  return {
    name: 'fake-nli', dtype: 'fp32', version: 'v', id2label, maxTokens: 512, calls,
    countTokens: (t) => t.split(' ').length,
    logits: async (pairs) => {
      calls.push(pairs.length);
      return pairs.map(([premise, hyp]) => {
        const hit = premise.toLowerCase().includes(hyp.split(' ')[0]!.toLowerCase());
        const row = new Float32Array(3).fill(0);
        row[entail] = hit ? 5 : -5;
        return row;
      });
    },
  };
}

describe('scoreWithNli', () => {
  const axis = { ...sov, poles: [{ ...sov.poles[0], hypotheses: ['sovereignty matters.'] }, { ...sov.poles[1], hypotheses: ['stakeholders matter.'] }], relevance: { hypotheses: ['governance is discussed.'] } } as Axis;
  const texts = ['Governance rests on sovereignty.', 'Governance needs all stakeholders.', 'Bananas are yellow.'];

  it.each([
    [{ 0: 'entailment', 1: 'neutral', 2: 'contradiction' }],
    [{ 0: 'contradiction', 1: 'neutral', 2: 'entailment' }],
  ])('labels chunks correctly with id2label %j', async (id2label) => {
    const nli = keywordNli(id2label);
    const scores = await scoreWithNli(nli, texts, [axis], { batchSize: 4 });
    expect(scores.map((s) => s[0]!.label)).toEqual(['sovereignty', 'multistakeholder', 'irrelevant']);
    expect(scores[0]![0]!.score).toBeLessThan(-0.9);
    expect(scores[1]![0]!.score).toBeGreaterThan(0.9);
    // 3 chunks x 3 hypotheses = 9 pairs in batches of at most 4.
    expect(nli.calls).toEqual([4, 4, 1]);
  });

  it('builds one pair per chunk and hypothesis of every axis', () => {
    const pairs = buildNliPairs(['x', 'y'], [sov, sec]);
    const perChunk = [sov, sec].reduce((n, a) => n + a.poles[0].hypotheses.length + a.poles[1].hypotheses.length + (a.relevance?.hypotheses.length ?? 0), 0);
    expect(pairs).toHaveLength(2 * perChunk);
  });
});

describe('prototypeAxisScore', () => {
  it('leans to the pole whose prototype is closer', () => {
    const protos = prototypesFrom({ a: [l2Normalize([1, 0, 0])], b: [l2Normalize([0, 1, 0])], relevance: [] });
    const nearA = prototypeAxisScore(l2Normalize([0.9, 0.1, 0.1]), protos, sov);
    expect(nearA.label).toBe('sovereignty');
    expect(nearA.score).toBeCloseTo((0.1 - 0.9) / Math.sqrt(0.83));
    const nowhere = prototypeAxisScore(l2Normalize([0, 0, 1]), protos, sov);
    expect(nowhere).toMatchObject({ probA: 0, probB: 0, relevance: 0, label: 'irrelevant' });
  });
});
