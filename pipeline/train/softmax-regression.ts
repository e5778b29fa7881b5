import { minimizeLbfgs, type LbfgsOptions, type ValueAndGradient } from './lbfgs.ts';
import { sparseDot, type SparseRow } from './sparse.ts';

/** Training data of a softmax regression: rows, class index per row, weight per row. */
export interface SoftmaxData {
  rows: readonly SparseRow[];
  /** Class of each row, in 0..classes-1. */
  targets: readonly number[];
  /** Weight of each row (e.g. balanced class weights); all 1 when omitted. */
  sampleWeights?: readonly number[];
  /** Number of feature columns. */
  dimension: number;
  /** Number of classes. */
  classes: number;
}

/**
 * Weights of a fitted model: per class, `dimension` feature weights then one bias, flattened
 * class after class (length classes * (dimension + 1)).
 */
export interface SoftmaxModel {
  dimension: number;
  classes: number;
  weights: Float64Array;
}

/** The class scores (logits) of one row under the model: per class, weights . row + bias. */
export function classScores(model: Pick<SoftmaxModel, 'dimension' | 'classes'> & { weights: ArrayLike<number> }, row: SparseRow): number[] {
  const stride = model.dimension + 1;
  const scores: number[] = [];
  for (let k = 0; k < model.classes; k++) scores.push(sparseDot(row, model.weights, k * stride) + (model.weights[k * stride + model.dimension] as number));
  return scores;
}

/** Class probabilities of one row under the model (softmax of the class scores). */
export function softmaxProbabilities(model: Pick<SoftmaxModel, 'dimension' | 'classes'> & { weights: ArrayLike<number> }, row: SparseRow): number[] {
  return softmax(classScores(model, row));
}

/** Softmax with the maximum subtracted first, so large scores do not overflow. */
export function softmax(scores: readonly number[]): number[] {
  const max = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

/**
 * The objective minimised by fitSoftmaxRegression and its gradient:
 *   L(W) = (1/S) sum_i s_i * (-log p(y_i | x_i)) + ||W||^2 / (2 C S),   S = sum_i s_i,
 * where W holds every weight including the biases. This has the same minimiser as the usual
 * C * sum_i s_i * loss_i + ||W||^2 / 2 (scikit-learn's form), divided by C S so that the
 * gradient tolerance means the same at every C. Penalising the biases too makes the objective
 * strictly convex (one optimum, whatever the optimiser), and with balanced class weights the
 * bias it shrinks towards (equal classes) is the one the weights already assume.
 */
export function softmaxObjective(data: SoftmaxData, c: number): (w: Float64Array) => ValueAndGradient {
  const { rows, targets, dimension, classes } = data;
  const stride = dimension + 1;
  const weightsOf = data.sampleWeights ?? rows.map(() => 1);
  const total = weightsOf.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new Error('softmax regression needs a positive total sample weight');
  const penalty = 1 / (c * total);
  return (w) => {
    const gradient = new Float64Array(w.length);
    let loss = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as SparseRow;
      const s = (weightsOf[i] as number) / total;
      const p = softmaxProbabilities({ dimension, classes, weights: w }, row);
      const y = targets[i] as number;
      loss -= s * Math.log(Math.max(p[y] as number, 1e-300));
      for (let k = 0; k < classes; k++) {
        const residual = s * ((p[k] as number) - (k === y ? 1 : 0));
        const offset = k * stride;
        for (let j = 0; j < row.indices.length; j++) {
          const col = offset + (row.indices[j] as number);
          gradient[col] = (gradient[col] as number) + residual * (row.values[j] as number);
        }
        gradient[offset + dimension] = (gradient[offset + dimension] as number) + residual;
      }
    }
    let squares = 0;
    for (let i = 0; i < w.length; i++) {
      const v = w[i] as number;
      squares += v * v;
      gradient[i] = (gradient[i] as number) + penalty * v;
    }
    return { value: loss + 0.5 * penalty * squares, gradient };
  };
}

/** Balanced class weights: n / (classes present * count of the row's class), as scikit-learn's "balanced". */
export function balancedSampleWeights(targets: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (const t of targets) counts.set(t, (counts.get(t) ?? 0) + 1);
  return targets.map((t) => targets.length / (counts.size * (counts.get(t) as number)));
}

/**
 * Fits an L2-regularised multinomial logistic regression (see softmaxObjective) with L-BFGS
 * from all-zero weights; deterministic for the same data, C and options. Throws when the
 * optimiser runs out of iterations; a stalled objective or a line search that can no longer
 * lower the value in floating point counts as converged (the optimum is reached to precision).
 */
export function fitSoftmaxRegression(data: SoftmaxData, c: number, options: LbfgsOptions = {}): SoftmaxModel {
  if (!(c > 0) || !Number.isFinite(c)) throw new Error(`C must be a finite number > 0, got ${c}`);
  if (data.rows.length !== data.targets.length) throw new Error(`${data.rows.length} rows but ${data.targets.length} targets`);
  data.targets.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0 || t >= data.classes) throw new Error(`row ${i}: class ${t} is not in 0..${data.classes - 1}`);
  });
  const result = minimizeLbfgs(softmaxObjective(data, c), new Float64Array(data.classes * (data.dimension + 1)), {
    gradientTolerance: 1e-5,
    maxIterations: 2000,
    ...options,
  });
  if (result.reason === 'max_iterations' && !result.converged) throw new Error(`softmax regression did not converge (C = ${c}, ${result.iterations} iterations, stopped by ${result.reason})`);
  return { dimension: data.dimension, classes: data.classes, weights: result.x };
}
