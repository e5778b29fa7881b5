import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from '../../pipeline/train/lbfgs.ts';
import { balancedSampleWeights, fitSoftmaxRegression, softmaxObjective, softmaxProbabilities, type SoftmaxData } from '../../pipeline/train/softmax-regression.ts';
import { createRng } from '../../pipeline/stats/random.ts';

/** A small random problem with sparse rows, unequal weights and three classes. */
function randomProblem(seed: number): SoftmaxData {
  const rng = createRng(seed);
  const dimension = 6;
  const rows = Array.from({ length: 12 }, () => {
    const indices = [0, 1, 2, 3, 4, 5].filter(() => rng.next() < 0.6);
    return { indices, values: indices.map(() => rng.next() * 2 - 1) };
  });
  return { rows, targets: rows.map(() => rng.int(3)), sampleWeights: rows.map(() => 0.5 + rng.next()), dimension, classes: 3 };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('L-BFGS', () => {
  it('finds the minimum of the Rosenbrock function at (1, 1)', () => {
    const f = (x: Float64Array) => {
      const [a = 0, b = 0] = x;
      return {
        value: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
        gradient: Float64Array.from([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]),
      };
    };
    const r = minimizeLbfgs(f, Float64Array.from([-1.2, 1]), { gradientTolerance: 1e-9, relativeTolerance: 0 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
  });

  it('solves a convex quadratic: the minimiser of x^T A x / 2 - b^T x is A^-1 b', () => {
    // A = [[4, 1], [1, 3]], b = [1, 2]: A^-1 b = [1/11, 7/11] (by Cramer's rule).
    const f = (x: Float64Array) => {
      const [u = 0, v = 0] = x;
      const g = Float64Array.from([4 * u + v - 1, u + 3 * v - 2]);
      return { value: 0.5 * (4 * u * u + 2 * u * v + 3 * v * v) - u - 2 * v, gradient: g };
    };
    const r = minimizeLbfgs(f, new Float64Array(2), { gradientTolerance: 1e-12, relativeTolerance: 0 });
    expect(r.x[0]).toBeCloseTo(1 / 11, 10);
    expect(r.x[1]).toBeCloseTo(7 / 11, 10);
  });
});

describe('multinomial logistic regression', () => {
  it('has an analytic gradient that matches central finite differences', () => {
    const data = randomProblem(7);
    const objective = softmaxObjective(data, 0.8);
    const rng = createRng(11);
    const w = Float64Array.from({ length: data.classes * (data.dimension + 1) }, () => rng.next() - 0.5);
    const { gradient } = objective(w);
    const h = 1e-6;
    for (let i = 0; i < w.length; i++) {
      const plus = Float64Array.from(w);
      const minus = Float64Array.from(w);
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      const numeric = (objective(plus).value - objective(minus).value) / (2 * h);
      expect(Math.abs((gradient[i] as number) - numeric)).toBeLessThan(1e-7);
    }
  });

  it('with biases only and a weak penalty, predicts the class shares (the unpenalised closed form)', () => {
    // No features: the maximum-likelihood class probabilities are the training shares, 3/10 and 7/10.
    const targets = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
    const data: SoftmaxData = { rows: targets.map(() => ({ indices: [], values: [] })), targets, dimension: 0, classes: 2 };
    const model = fitSoftmaxRegression(data, 1e7, { gradientTolerance: 1e-12 });
    const p = softmaxProbabilities(model, { indices: [], values: [] });
    expect(p[1]).toBeCloseTo(0.7, 5);
  });

  it('on two classes equals the binary logistic regression solved by an independent Newton method', () => {
    // With both classes' weights penalised, the optimum has w1 = -w0 (moving both by the same
    // vector changes no probability but adds penalty), so the model is a binary logistic
    // regression in beta = w1 - w0 with penalty ||beta||^2 / 4 on the scale C * n:
    //   minimise sum_i -log p_i(beta) + ||beta||^2 / (4 C),  beta = (slope, bias).
    const xs = [-2, -1.5, -1, -0.5, 0, 0.3, 0.5, 1, 1.5, 2, 2.5, -0.2];
    const ys = [0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1];
    const c = 0.7;
    // Newton's method on the two parameters, with the exact Hessian.
    let slope = 0;
    let bias = 0;
    for (let it = 0; it < 50; it++) {
      let g0 = slope / (2 * c);
      let g1 = bias / (2 * c);
      let h00 = 1 / (2 * c);
      let h01 = 0;
      let h11 = 1 / (2 * c);
      xs.forEach((x, i) => {
        const p = sigmoid(slope * x + bias);
        const r = p - (ys[i] as number);
        g0 += r * x;
        g1 += r;
        const v = p * (1 - p);
        h00 += v * x * x;
        h01 += v * x;
        h11 += v;
      });
      const det = h00 * h11 - h01 * h01;
      slope -= (h11 * g0 - h01 * g1) / det;
      bias -= (-h01 * g0 + h00 * g1) / det;
    }
    const data: SoftmaxData = {
      rows: xs.map((x) => ({ indices: [0], values: [x] })),
      targets: ys,
      dimension: 1,
      classes: 2,
    };
    const model = fitSoftmaxRegression(data, c, { gradientTolerance: 1e-12 });
    const w = model.weights; // [w0, b0, w1, b1]
    expect((w[2] as number) - (w[0] as number)).toBeCloseTo(slope, 6);
    expect((w[3] as number) - (w[1] as number)).toBeCloseTo(bias, 6);
    expect((w[0] as number) + (w[2] as number)).toBeCloseTo(0, 8);
  });

  it('is deterministic: the same data and C give the same bits', () => {
    const data = randomProblem(3);
    const a = fitSoftmaxRegression(data, 2);
    const b = fitSoftmaxRegression(data, 2);
    expect(Buffer.from(a.weights.buffer).equals(Buffer.from(b.weights.buffer))).toBe(true);
  });

  it('gives balanced weights that make every class weigh the same in total', () => {
    const w = balancedSampleWeights([0, 0, 0, 1, 2, 2]);
    // n / (classes * count): 6/(3*3), 6/(3*1), 6/(3*2).
    expect(w).toEqual([2 / 3, 2 / 3, 2 / 3, 2, 1, 1]);
  });
});
