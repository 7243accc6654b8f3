/**
 * Limited-memory BFGS for small smooth unconstrained problems (here: a Gaussian process's
 * hyperparameters): the two-loop recursion with the last `memory` steps, and a backtracking
 * line search to the Armijo condition. A step where the objective is not finite counts as a
 * failed step, so an objective may return Infinity where it is undefined.
 * J. Nocedal, S. J. Wright, "Numerical Optimization", 2nd ed., Springer 2006, Alg. 7.4 and 7.5.
 */

/** f(x), writing ∇f(x) into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  readonly maxIterations?: number;
  readonly memory?: number;
  /** Stop when every |∂f/∂x_i| is below this. */
  readonly gradientTolerance?: number;
  /** Stop when an iteration lowers f by less than this times max(1, |f|). */
  readonly relativeTolerance?: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
}

export function lbfgs(f: Objective, x0: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult {
  const maxIterations = options.maxIterations ?? 100;
  const memory = options.memory ?? 6;
  const gradientTolerance = options.gradientTolerance ?? 1e-6;
  const relativeTolerance = options.relativeTolerance ?? 1e-10;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  let evaluations = 1;
  if (!Number.isFinite(fx)) return { x, value: fx, iterations: 0, evaluations };

  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const rhos: number[] = [];
  const alphas = new Float64Array(memory);
  const direction = new Float64Array(n);
  let xNext = new Float64Array(n);
  let gNext = new Float64Array(n);
  let iterations = 0;

  for (; iterations < maxIterations; iterations++) {
    if (maxAbs(g) < gradientTolerance) break;
    // Two-loop recursion: direction = −H g.
    direction.set(g);
    for (let m = ss.length - 1; m >= 0; m--) {
      alphas[m] = rhos[m] * dot(ss[m], direction);
      axpy(-alphas[m], ys[m], direction);
    }
    const last = ss.length - 1;
    // H0 = γ I: the latest curvature estimate, or a first step of length at most 1.
    const gamma = last >= 0 ? dot(ss[last], ys[last]) / dot(ys[last], ys[last]) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) direction[i] *= gamma;
    for (let m = 0; m < ss.length; m++) axpy(alphas[m] - rhos[m] * dot(ys[m], direction), ss[m], direction);
    for (let i = 0; i < n; i++) direction[i] = -direction[i];
    let slope = dot(direction, g);
    if (!(slope < 0)) {
      // Not a descent direction (curvature information gone stale): restart from steepest descent.
      ss.length = ys.length = rhos.length = 0;
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) direction[i] = -scale * g[i];
      slope = dot(direction, g);
    }

    let step = 1;
    let fNext = Infinity;
    let accepted = false;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) xNext[i] = x[i] + step * direction[i];
      fNext = f(xNext, gNext);
      evaluations++;
      if (Number.isFinite(fNext) && fNext <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNext[i] - x[i];
      y[i] = gNext[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (ss.length === memory) {
        ss.shift();
        ys.shift();
        rhos.shift();
      }
      ss.push(s);
      ys.push(y);
      rhos.push(1 / sy);
    }
    const decrease = fx - fNext;
    [x, xNext] = [xNext, x];
    [g, gNext] = [gNext, g];
    fx = fNext;
    if (decrease < relativeTolerance * Math.max(1, Math.abs(fx))) {
      iterations++;
      break;
    }
  }
  return { x, value: fx, iterations, evaluations };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** y += a x */
function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
