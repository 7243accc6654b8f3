/**
 * The Matérn 5/2 kernel with automatic relevance determination (one length scale per input):
 *   k(x, y) = s² (1 + √5 r + 5r²/3) exp(−√5 r),   r² = Σ_j δ_j² / ℓ_j²,
 * twice differentiable — smooth enough to model, rough enough not to over-smooth like the squared
 * exponential (Snoek et al.). δ_j is x_j − y_j for a numeric input and, for a categorical input
 * holding a choice index, 1 where the choices differ and 0 where they agree (a one-hot encoding
 * with one length scale per parameter, up to a factor √2 in ℓ), which keeps k positive definite.
 * J. Snoek, H. Larochelle, R. P. Adams, "Practical Bayesian Optimization of Machine Learning
 * Algorithms", NeurIPS 2012; C. E. Rasmussen, C. K. I. Williams, "Gaussian Processes for Machine
 * Learning", MIT Press 2006, §4.2.
 */

const SQRT5 = Math.sqrt(5);

/** k(r) = s² (1 + √5 r + 5r²/3) exp(−√5 r). */
export function matern52(r: number, signalVariance = 1): number {
  const a = SQRT5 * r;
  return signalVariance * (1 + a + (a * a) / 3) * Math.exp(-a);
}

/**
 * −2 dk/d(r²) = s² (5/3)(1 + √5 r) exp(−√5 r), finite at r = 0: ∂k/∂(log ℓ_j) is this times
 * δ_j² / ℓ_j², and ∂k/∂x_j is minus this times (x_j − y_j) / ℓ_j².
 */
export function matern52Slope(r: number, signalVariance = 1): number {
  const a = SQRT5 * r;
  return signalVariance * (5 / 3) * (1 + a) * Math.exp(-a);
}

/** δ_j² for input j: the squared difference, or [x_j ≠ y_j] for a categorical input. */
export function squaredDelta(x: number, y: number, categorical: boolean): number {
  if (categorical) return x === y ? 0 : 1;
  const d = x - y;
  return d * d;
}

/** The ARD kernel at fixed hyperparameters, on points stored row-major (`dim` numbers each). */
export class Matern52Kernel {
  readonly dim: number;
  private readonly inverseSquaredScales: Float64Array;
  private readonly categoricalMask: Uint8Array;

  constructor(
    readonly lengthScales: ArrayLike<number>,
    readonly signalVariance: number,
    categorical: readonly boolean[],
  ) {
    this.dim = lengthScales.length;
    this.inverseSquaredScales = Float64Array.from(lengthScales, (l) => 1 / (l * l));
    this.categoricalMask = Uint8Array.from(categorical, (c) => (c ? 1 : 0));
  }

  /** r² between point i of `xs` and point j of `ys`. */
  squaredDistance(xs: ArrayLike<number>, i: number, ys: ArrayLike<number>, j: number): number {
    const d = this.dim;
    const inv2 = this.inverseSquaredScales;
    const mask = this.categoricalMask;
    let r2 = 0;
    for (let k = 0; k < d; k++) {
      const a = xs[i * d + k];
      const b = ys[j * d + k];
      if (mask[k] === 0) r2 += (a - b) * (a - b) * inv2[k];
      else if (a !== b) r2 += inv2[k];
    }
    return r2;
  }

  value(xs: ArrayLike<number>, i: number, ys: ArrayLike<number>, j: number): number {
    return matern52(Math.sqrt(this.squaredDistance(xs, i, ys, j)), this.signalVariance);
  }

  /** k(x, X_i) for every point of `xs` (n of them), into `out`. */
  vector(x: ArrayLike<number>, xs: ArrayLike<number>, n: number, out: Float64Array = new Float64Array(n)): Float64Array {
    for (let i = 0; i < n; i++) out[i] = matern52(Math.sqrt(this.squaredDistance(x, 0, xs, i)), this.signalVariance);
    return out;
  }

  /** The n×n Gram matrix of `xs`. */
  matrix(xs: ArrayLike<number>, n: number): Float64Array {
    const k = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      k[i * n + i] = this.signalVariance;
      for (let j = 0; j < i; j++) {
        const v = this.value(xs, i, xs, j);
        k[i * n + j] = v;
        k[j * n + i] = v;
      }
    }
    return k;
  }
}
