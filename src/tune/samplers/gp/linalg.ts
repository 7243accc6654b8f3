/**
 * Small dense linear algebra for Gaussian-process regression: matrices are row-major n×n
 * Float64Arrays, factors are lower triangular (the upper triangle is left zero).
 * G. H. Golub, C. F. Van Loan, "Matrix Computations", 4th ed., 2013, §4.2 (Cholesky).
 */
import { LoomError } from '../../../util/errors.js';

/** The lower Cholesky factor L (A = L Lᵀ) of a symmetric matrix, or null where A is not positive definite. */
export function cholesky(a: Float64Array, n: number, jitter = 0): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let diag = a[rowJ + j] + jitter;
    for (let k = 0; k < j; k++) diag -= l[rowJ + k] * l[rowJ + k];
    if (!(diag > 0)) return null; // also catches NaN
    const ljj = Math.sqrt(diag);
    l[rowJ + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let s = a[rowI + j];
      for (let k = 0; k < j; k++) s -= l[rowI + k] * l[rowJ + k];
      l[rowI + j] = s / ljj;
    }
  }
  return l;
}

export interface JitteredCholesky {
  readonly factor: Float64Array;
  /** What was added to the diagonal: 0, or 1e-10 · mean diagonal · 10^k. */
  readonly jitter: number;
}

/**
 * Cholesky of a matrix that should be positive definite but may be singular to rounding (two
 * equal inputs, a tiny noise variance): tried as is, then with 1e-10 · mean diagonal added to the
 * diagonal, ten times more on each failure, `maxTries` times in all.
 */
export function choleskyWithJitter(a: Float64Array, n: number, maxTries = 8): JitteredCholesky {
  const exact = cholesky(a, n);
  if (exact) return { factor: exact, jitter: 0 };
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += a[i * n + i] / n;
  let jitter = 1e-10 * (meanDiag > 0 && Number.isFinite(meanDiag) ? meanDiag : 1);
  for (let t = 0; t < maxTries; t++, jitter *= 10) {
    const factor = cholesky(a, n, jitter);
    if (factor) return { factor, jitter };
  }
  throw new LoomError(`Cholesky: the ${n}×${n} matrix is not positive definite, even with ${(jitter / 10).toExponential(1)} added to its diagonal`);
}

/** x with L x = b (forward substitution). */
export function solveLower(l: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[row + k] * out[k];
    out[i] = s / l[row + i];
  }
  return out;
}

/** x with Lᵀ x = b (back substitution on the lower factor). */
export function solveLowerTransposed(l: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * out[k];
    out[i] = s / l[i * n + i];
  }
  return out;
}

/** x with A x = b, given A's lower Cholesky factor. */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  return solveLowerTransposed(l, n, solveLower(l, n, b));
}

/** log det A = 2 Σ log L_ii. */
export function logDeterminant(l: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i]);
  return 2 * s;
}

/**
 * A⁻¹ (full, symmetric) from A's lower Cholesky factor: the columns of L⁻¹ by forward
 * substitution, then (A⁻¹)_ij = Σ_k (L⁻¹)_ki (L⁻¹)_kj. Columns of L⁻¹ are stored as rows so that
 * both inner loops run over contiguous memory.
 */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n); // c[j * n + i] = (L⁻¹)_ij, zero for i < j
  for (let j = 0; j < n; j++) {
    const col = j * n;
    c[col + j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      const row = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s -= l[row + k] * c[col + k];
      c[col + i] = s / l[row + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += c[i * n + k] * c[j * n + k];
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  return inv;
}
