/**
 * Gaussian-process regression with a Matérn 5/2 ARD kernel and Gaussian noise (Rasmussen &
 * Williams, Alg. 2.1), its hyperparameters — log length scales, log signal variance, log noise
 * variance — fitted by maximising the log marginal likelihood (ibid. §5.4.1, Eq. 5.8–5.9) plus a
 * weak log prior (a MAP estimate: see `logPrior`), with L-BFGS from a default start and a few
 * random ones.
 * C. E. Rasmussen, C. K. I. Williams, "Gaussian Processes for Machine Learning", MIT Press 2006.
 *
 * Inputs: numeric coordinates meant to lie in [0, 1] (the sampler passes `toUnit` values), and
 * categorical coordinates holding a choice index, compared only for equality (see matern52.ts).
 * Outputs are standardised (mean 0, std 1) before fitting, so the hyperparameter bounds below
 * mean the same for every objective; predictions are in the outputs' own units.
 */
import { LoomError } from '../../../util/errors.js';
import type { Rng } from '../../../util/rng.js';
import { lbfgs } from './lbfgs.js';
import { choleskySolve, choleskyWithJitter, inverseFromCholesky, logDeterminant, solveLower } from './linalg.js';
import { Matern52Kernel, matern52Slope, squaredDelta } from './matern52.js';

export interface GpHyperparameters {
  readonly lengthScales: readonly number[];
  /** s², in standardised output units. */
  readonly signalVariance: number;
  /** σ², in standardised output units. */
  readonly noiseVariance: number;
}

export interface GpFitOptions {
  /** Which inputs are categorical (choice indices); default none. */
  readonly categorical?: readonly boolean[];
  /** Random restarts of the hyperparameter search after the default start (default 1). */
  readonly restarts?: number;
  /** Draws the restarts' starting points; needed when restarts > 0. */
  readonly rng?: Rng;
  /** L-BFGS iterations per start (default 50). */
  readonly maxIterations?: number;
}

export interface Prediction {
  readonly mean: number;
  /** The variance of the latent function (noise excluded). */
  readonly variance: number;
}

/**
 * Hyperparameter ranges in standardised units on the unit cube: length scales from a hundredth
 * of the range (sharper features cannot be learned from a few hundred points) to twenty ranges (the
 * input is irrelevant); a noise floor of 1e-6 keeps the Gram matrix well conditioned for
 * noise-free objectives.
 */
const LOG_LENGTH_SCALE: readonly [number, number] = [Math.log(0.01), Math.log(20)];
const LOG_SIGNAL_VARIANCE: readonly [number, number] = [Math.log(0.05), Math.log(20)];
const LOG_NOISE_VARIANCE: readonly [number, number] = [Math.log(1e-6), Math.log(1)];

export class GaussianProcess {
  private readonly kernel: Matern52Kernel;
  private readonly factor: Float64Array;
  private readonly alpha: Float64Array;
  private readonly kStar: Float64Array;
  private readonly vStar: Float64Array;

  private constructor(
    readonly dim: number,
    readonly size: number,
    private readonly xs: Float64Array,
    /** Standardised outputs. */
    private readonly ys: Float64Array,
    private readonly yMean: number,
    private readonly yScale: number,
    readonly hyperparameters: GpHyperparameters,
    private readonly categorical: readonly boolean[],
  ) {
    const n = size;
    this.kernel = new Matern52Kernel(hyperparameters.lengthScales, hyperparameters.signalVariance, categorical);
    const k = this.kernel.matrix(xs, n);
    for (let i = 0; i < n; i++) k[i * n + i] += hyperparameters.noiseVariance;
    this.factor = choleskyWithJitter(k, n).factor;
    this.alpha = choleskySolve(this.factor, n, ys);
    this.kStar = new Float64Array(n);
    this.vStar = new Float64Array(n);
  }

  /** Fits the hyperparameters to (points, values) and conditions on them. */
  static fit(points: readonly ArrayLike<number>[], values: readonly number[], options: GpFitOptions = {}): GaussianProcess {
    const { xs, n, d } = flatten(points, values);
    const categorical = options.categorical ?? new Array<boolean>(d).fill(false);
    if (categorical.length !== d) throw new LoomError(`Gaussian process: ${categorical.length} categorical flags for ${d} inputs`);
    const { mean, scale } = standardisation(values);
    const ys = Float64Array.from(values, (v) => (v - mean) / scale);
    const theta = fitHyperparameters(xs, ys, n, d, categorical, options);
    return new GaussianProcess(d, n, xs, ys, mean, scale, unpack(theta, d), categorical);
  }

  /** A GP on (points, values) with the given hyperparameters (in standardised units), not fitted. */
  static withHyperparameters(points: readonly ArrayLike<number>[], values: readonly number[], hyperparameters: GpHyperparameters, categorical?: readonly boolean[]): GaussianProcess {
    const { xs, n, d } = flatten(points, values);
    const { mean, scale } = standardisation(values);
    const ys = Float64Array.from(values, (v) => (v - mean) / scale);
    return new GaussianProcess(d, n, xs, ys, mean, scale, hyperparameters, categorical ?? new Array<boolean>(d).fill(false));
  }

  /**
   * This GP with more observations, keeping its hyperparameters and standardisation (no refit):
   * how fantasised values for pending evaluations are added.
   */
  condition(points: readonly ArrayLike<number>[], values: readonly number[]): GaussianProcess {
    if (points.length === 0) return this;
    const extra = flatten(points, values, this.dim);
    const xs = new Float64Array(this.xs.length + extra.xs.length);
    xs.set(this.xs);
    xs.set(extra.xs, this.xs.length);
    const ys = new Float64Array(this.size + extra.n);
    ys.set(this.ys);
    for (let i = 0; i < extra.n; i++) ys[this.size + i] = (values[i] - this.yMean) / this.yScale;
    return new GaussianProcess(this.dim, this.size + extra.n, xs, ys, this.yMean, this.yScale, this.hyperparameters, this.categorical);
  }

  /** The posterior mean and latent variance at x. */
  predict(x: ArrayLike<number>): Prediction {
    const n = this.size;
    const k = this.kernel.vector(x, this.xs, n, this.kStar);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += k[i] * this.alpha[i];
    const v = solveLower(this.factor, n, k, this.vStar);
    let explained = 0;
    for (let i = 0; i < n; i++) explained += v[i] * v[i];
    const variance = Math.max(this.hyperparameters.signalVariance - explained, 0);
    return { mean: this.yMean + this.yScale * mean, variance: this.yScale * this.yScale * variance };
  }
}

function flatten(points: readonly ArrayLike<number>[], values: readonly number[], dim?: number): { xs: Float64Array; n: number; d: number } {
  const n = points.length;
  if (n === 0) throw new LoomError('Gaussian process: no observations to fit');
  if (values.length !== n) throw new LoomError(`Gaussian process: ${n} points but ${values.length} values`);
  const d = dim ?? points[0].length;
  const xs = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const p = points[i];
    if (p.length !== d) throw new LoomError(`Gaussian process: point ${i} has ${p.length} coordinates, expected ${d}`);
    for (let k = 0; k < d; k++) xs[i * d + k] = p[k];
    if (!Number.isFinite(values[i])) throw new LoomError(`Gaussian process: value ${i} is ${values[i]}, not a finite number`);
  }
  return { xs, n, d };
}

/** Mean and standard deviation of the values (scale 1 where they are all equal). */
function standardisation(values: readonly number[]): { mean: number; scale: number } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) * (v - mean), 0) / n;
  const scale = Math.sqrt(variance);
  return { mean, scale: scale > 1e-12 * Math.max(1, Math.abs(mean)) ? scale : 1 };
}

/** θ = [log ℓ_1 … log ℓ_d, log s², log σ²] → hyperparameters. */
function unpack(theta: ArrayLike<number>, d: number): GpHyperparameters {
  return {
    lengthScales: Array.from({ length: d }, (_, k) => Math.exp(theta[k])),
    signalVariance: Math.exp(theta[d]),
    noiseVariance: Math.exp(theta[d + 1]),
  };
}

/**
 * The hyperparameters maximising log marginal likelihood + log prior within the bounds, which
 * L-BFGS keeps to by searching over z with θ = lo + (hi − lo) · sigmoid(z). The tolerances are
 * loose on purpose: a change of 1e-4 · n in the log likelihood does not move the posterior.
 */
function fitHyperparameters(xs: Float64Array, ys: Float64Array, n: number, d: number, categorical: readonly boolean[], options: GpFitOptions): Float64Array {
  const lo = new Float64Array(d + 2);
  const hi = new Float64Array(d + 2);
  for (let k = 0; k < d; k++) [lo[k], hi[k]] = LOG_LENGTH_SCALE;
  [lo[d], hi[d]] = LOG_SIGNAL_VARIANCE;
  [lo[d + 1], hi[d + 1]] = LOG_NOISE_VARIANCE;
  const nll = new NegativeLogMarginalLikelihood(xs, ys, n, d, categorical);
  const theta = new Float64Array(d + 2);
  const thetaGradient = new Float64Array(d + 2);
  const priorGradient = new Float64Array(d + 2);
  const toTheta = (z: ArrayLike<number>, out: Float64Array): void => {
    for (let k = 0; k < z.length; k++) out[k] = lo[k] + (hi[k] - lo[k]) / (1 + Math.exp(-z[k]));
  };
  const objective = (z: Float64Array, gradient: Float64Array): number => {
    toTheta(z, theta);
    const value = nll.evaluate(theta, thetaGradient) - logPrior(theta, d, priorGradient) / n;
    for (let k = 0; k < z.length; k++) {
      const s = (theta[k] - lo[k]) / (hi[k] - lo[k]);
      gradient[k] = (thetaGradient[k] - priorGradient[k] / n) * (hi[k] - lo[k]) * s * (1 - s);
    }
    return value;
  };
  const toZ = (t: ArrayLike<number>): Float64Array =>
    Float64Array.from(t, (v, k) => {
      const s = Math.min(Math.max((v - lo[k]) / (hi[k] - lo[k]), 1e-6), 1 - 1e-6);
      return Math.log(s / (1 - s));
    });

  const starts: Float64Array[] = [toZ([...new Array<number>(d).fill(Math.log(0.5)), 0, Math.log(1e-2)])];
  const restarts = options.restarts ?? 1;
  if (restarts > 0 && !options.rng) throw new LoomError('Gaussian process: random restarts need an rng');
  for (let r = 0; r < restarts; r++) {
    const rng = options.rng as Rng;
    const uniform = (a: number, b: number): number => a + (b - a) * rng.next();
    const start = [...Array.from({ length: d }, () => uniform(Math.log(0.05), Math.log(2))), uniform(Math.log(0.5), Math.log(2)), uniform(Math.log(1e-6), Math.log(0.1))];
    starts.push(toZ(start));
  }
  let best: { x: Float64Array; value: number } | null = null;
  for (const z0 of starts) {
    const result = lbfgs(objective, z0, { maxIterations: options.maxIterations ?? 50, gradientTolerance: 1e-3, relativeTolerance: 1e-4 });
    if (best === null || result.value < best.value) best = result;
  }
  const out = new Float64Array(d + 2);
  toTheta((best as { x: Float64Array }).x, out);
  return out;
}

/**
 * A weak log prior on θ, its gradient (∂/∂θ) into `gradient`. Log densities up to a constant, of
 * the hyperparameters themselves (no Jacobian of the log); the shapes of Optuna's GPSampler:
 * - on each inverse squared length scale λ = ℓ⁻², −0.1 (λ + 1/λ): nearly flat between ℓ ≈ 0.3
 *   and 3, it keeps ℓ out of the ranges where the likelihood is flat (an irrelevant input, a lone
 *   far point), which also lets L-BFGS converge in a few dozen steps;
 * - on s², Gamma(2, 1);
 * - on the noise variance, Exponential(rate 30): its mode is the noise floor, so noise-free data
 *   are interpolated (Optuna's Gamma(1.1, 30) peaks at 0.0033, which blurs them).
 */
export function logPrior(theta: ArrayLike<number>, d: number, gradient: Float64Array): number {
  let value = 0;
  for (let k = 0; k < d; k++) {
    const up = 0.1 * Math.exp(2 * theta[k]);
    const down = 0.1 * Math.exp(-2 * theta[k]);
    value -= up + down;
    gradient[k] = -2 * (up - down);
  }
  const gamma = (index: number, shape: number, rate: number): void => {
    const x = Math.exp(theta[index]);
    value += (shape - 1) * theta[index] - rate * x;
    gradient[index] = shape - 1 - rate * x;
  };
  gamma(d, 2, 1);
  gamma(d + 1, 1, 30);
  return value;
}

/**
 * −log p(y | X, θ) / n and its gradient in θ (Rasmussen & Williams Eq. 5.8, 5.9, divided by n so
 * that tolerances do not depend on the number of points):
 *   log p = −½ yᵀα − ½ log|K| − (n/2) log 2π,   ∂ log p / ∂θ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ).
 */
export class NegativeLogMarginalLikelihood {
  /** δ² per pair (i > j, row by row) and input. */
  private readonly deltas: Float64Array;
  private readonly gram: Float64Array;
  private readonly slopes: Float64Array;
  private readonly inverseSquaredScales: Float64Array;

  constructor(
    xs: Float64Array,
    private readonly ys: Float64Array,
    private readonly n: number,
    private readonly d: number,
    categorical: readonly boolean[],
  ) {
    const pairs = (n * (n - 1)) / 2;
    this.deltas = new Float64Array(pairs * d);
    let p = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++, p++) {
        for (let k = 0; k < d; k++) this.deltas[p * d + k] = squaredDelta(xs[i * d + k], xs[j * d + k], categorical[k]);
      }
    }
    this.gram = new Float64Array(n * n);
    this.slopes = new Float64Array(pairs);
    this.inverseSquaredScales = new Float64Array(d);
  }

  evaluate(theta: Float64Array, gradient: Float64Array): number {
    const { n, d, deltas, gram, slopes, ys } = this;
    const inv2 = this.inverseSquaredScales;
    for (let k = 0; k < d; k++) inv2[k] = Math.exp(-2 * theta[k]);
    const s2 = Math.exp(theta[d]);
    const noise = Math.exp(theta[d + 1]);

    let p = 0;
    for (let i = 0; i < n; i++) {
      gram[i * n + i] = s2 + noise;
      for (let j = 0; j < i; j++, p++) {
        let r2 = 0;
        for (let k = 0; k < d; k++) r2 += deltas[p * d + k] * inv2[k];
        const r = Math.sqrt(r2);
        const a = Math.sqrt(5) * r;
        const e = Math.exp(-a);
        const kij = s2 * (1 + a + (a * a) / 3) * e;
        gram[i * n + j] = kij;
        gram[j * n + i] = kij;
        slopes[p] = matern52Slope(r, s2);
      }
    }
    const l = choleskyWithJitter(gram, n).factor;
    const alpha = choleskySolve(l, n, ys);
    let fit = 0;
    for (let i = 0; i < n; i++) fit += ys[i] * alpha[i];
    const value = (0.5 * fit + 0.5 * logDeterminant(l, n) + 0.5 * n * Math.log(2 * Math.PI)) / n;

    // W = ααᵀ − K⁻¹; the gradient of log p is ½ Σ_ij W_ij ∂K_ij/∂θ, negated and divided by n.
    const inverse = inverseFromCholesky(l, n);
    gradient.fill(0);
    let signal = 0;
    let trace = 0;
    p = 0;
    for (let i = 0; i < n; i++) {
      const wii = alpha[i] * alpha[i] - inverse[i * n + i];
      trace += wii;
      for (let j = 0; j < i; j++, p++) {
        const w = alpha[i] * alpha[j] - inverse[i * n + j];
        signal += w * gram[i * n + j];
        const ws = w * slopes[p];
        for (let k = 0; k < d; k++) gradient[k] += ws * deltas[p * d + k];
      }
    }
    for (let k = 0; k < d; k++) gradient[k] = (-gradient[k] * inv2[k]) / n;
    gradient[d] = -(signal + 0.5 * s2 * trace) / n;
    gradient[d + 1] = -(0.5 * noise * trace) / n;
    return value;
  }
}
