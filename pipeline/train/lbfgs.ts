/** The value of an objective at a point and its gradient (same length as the point). */
export interface ValueAndGradient {
  value: number;
  gradient: Float64Array;
}

/** Options of minimizeLbfgs. */
export interface LbfgsOptions {
  /** Correction pairs kept (the memory of the quasi-Newton approximation). Default 10. */
  memory?: number;
  /** Stop when the largest gradient component is at most this. Default 1e-6. */
  gradientTolerance?: number;
  /** Stop when an iteration lowers the value by less than this relative amount. Default 1e-10. */
  relativeTolerance?: number;
  /** Stop after this many iterations. Default 1000. */
  maxIterations?: number;
}

/** Where minimizeLbfgs stopped and why. */
export interface LbfgsResult {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  iterations: number;
  converged: boolean;
  reason: 'gradient' | 'relative_change' | 'max_iterations' | 'line_search';
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

// Armijo's sufficient-decrease constant and the step shrink factor of the backtracking search.
const ARMIJO = 1e-4;
const SHRINK = 0.5;
const MAX_BACKTRACKS = 60;

/**
 * Minimizes a smooth function with L-BFGS (two-loop recursion) and a backtracking line search
 * under the Armijo condition. Fully deterministic: fixed arithmetic order, no randomness, so
 * the same objective and start give the same bits. Pairs with non-positive curvature are
 * skipped, which keeps the search direction a descent direction on non-convex stretches.
 */
export function minimizeLbfgs(f: (x: Float64Array) => ValueAndGradient, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const memory = options.memory ?? 10;
  const gtol = options.gradientTolerance ?? 1e-6;
  const rtol = options.relativeTolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 1000;
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let { value, gradient } = f(x);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const direction = new Float64Array(n);
  const alpha = new Array<number>(memory).fill(0);

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(gradient) <= gtol) return { x, value, gradient, iterations: iteration, converged: true, reason: 'gradient' };
    // Two-loop recursion: direction = -H * gradient.
    for (let i = 0; i < n; i++) direction[i] = -(gradient[i] as number);
    for (let k = sList.length - 1; k >= 0; k--) {
      const a = (rhoList[k] as number) * dot(sList[k] as Float64Array, direction);
      alpha[k] = a;
      const y = yList[k] as Float64Array;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) - a * (y[i] as number);
    }
    if (sList.length > 0) {
      const s = sList[sList.length - 1] as Float64Array;
      const y = yList[yList.length - 1] as Float64Array;
      const gamma = dot(s, y) / dot(y, y);
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) * gamma;
    }
    for (let k = 0; k < sList.length; k++) {
      const y = yList[k] as Float64Array;
      const s = sList[k] as Float64Array;
      const b = (rhoList[k] as number) * dot(y, direction);
      const a = alpha[k] as number;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) + (a - b) * (s[i] as number);
    }
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sList.length = 0;
      yList.length = 0;
      rhoList.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -(gradient[i] as number);
      slope = dot(gradient, direction);
    }
    // The first step of steepest descent is scaled so that it moves by at most 1 per unit of gradient norm.
    let step = sList.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let accepted: { x: Float64Array; value: number; gradient: Float64Array } | undefined;
    for (let t = 0; t < MAX_BACKTRACKS; t++) {
      const candidate = new Float64Array(n);
      for (let i = 0; i < n; i++) candidate[i] = (x[i] as number) + step * (direction[i] as number);
      const next = f(candidate);
      if (Number.isFinite(next.value) && next.value <= value + ARMIJO * step * slope) {
        accepted = { x: candidate, ...next };
        break;
      }
      step *= SHRINK;
    }
    if (accepted === undefined) return { x, value, gradient, iterations: iteration, converged: false, reason: 'line_search' };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (accepted.x[i] as number) - (x[i] as number);
      y[i] = (accepted.gradient[i] as number) - (gradient[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
      sList.push(s);
      yList.push(y);
      rhoList.push(1 / sy);
    }
    const previous = value;
    x = accepted.x;
    value = accepted.value;
    gradient = accepted.gradient;
    if (Math.abs(previous - value) <= rtol * Math.max(1, Math.abs(value))) {
      return { x, value, gradient, iterations: iteration + 1, converged: true, reason: maxAbs(gradient) <= gtol ? 'gradient' : 'relative_change' };
    }
  }
  return { x, value, gradient, iterations: maxIterations, converged: maxAbs(gradient) <= gtol, reason: 'max_iterations' };
}
