import { describe, expect, it } from 'vitest';
import { LoomError } from '../../../util/errors.js';
import { Rng } from '../../../util/rng.js';
import { cholesky, choleskySolve, choleskyWithJitter, inverseFromCholesky, logDeterminant, solveLower, solveLowerTransposed } from './linalg.js';

/** B Bᵀ + I for a random n×n B: symmetric positive definite. */
function randomSpd(n: number, rng: Rng): Float64Array {
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
      a[i * n + j] = s;
    }
  }
  return a;
}

function multiply(a: Float64Array, b: Float64Array, n: number, transposeB = false): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * (transposeB ? b[j * n + k] : b[k * n + j]);
      c[i * n + j] = s;
    }
  }
  return c;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('dense linear algebra', () => {
  const n = 9;
  const a = randomSpd(n, new Rng(5));
  const l = cholesky(a, n) as Float64Array;

  it('factors a random SPD matrix into a lower triangle that reconstructs it', () => {
    expect(l).not.toBeNull();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
    expect(maxAbsDiff(multiply(l, l, n, true), a)).toBeLessThan(1e-10);
  });

  it('solves with the factor, inverts and takes the log-determinant', () => {
    const b = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const x = choleskySolve(l, n, b);
    const ax = Array.from({ length: n }, (_, i) => x.reduce((s, xk, k) => s + a[i * n + k] * xk, 0));
    expect(maxAbsDiff(ax, b)).toBeLessThan(1e-10);
    expect(maxAbsDiff(solveLowerTransposed(l, n, solveLower(l, n, b)), x)).toBe(0);
    const identity = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    expect(maxAbsDiff(multiply(a, inverseFromCholesky(l, n), n), identity)).toBeLessThan(1e-10);
    // det [[4, 2], [2, 3]] = 8.
    expect(logDeterminant(cholesky(Float64Array.of(4, 2, 2, 3), 2) as Float64Array, 2)).toBeCloseTo(Math.log(8), 12);
  });

  it('adds escalating jitter to a singular matrix, and names the size of one it cannot factor', () => {
    const v = [1, 2, 3, 4];
    const singular = Float64Array.from({ length: 16 }, (_, i) => v[Math.floor(i / 4)] * v[i % 4]); // rank one
    expect(cholesky(singular, 4)).toBeNull();
    const { factor, jitter } = choleskyWithJitter(singular, 4);
    const meanDiag = (1 + 4 + 9 + 16) / 4;
    expect(jitter).toBeGreaterThanOrEqual(1e-10 * meanDiag * 0.999);
    const tens = Math.round(Math.log10(jitter / (1e-10 * meanDiag)));
    expect(jitter / (1e-10 * meanDiag * 10 ** tens)).toBeCloseTo(1, 9); // 1e-10 · mean diagonal · 10^k
    const shifted = Float64Array.from(singular, (x, i) => (i % 5 === 0 ? x + jitter : x));
    expect(maxAbsDiff(multiply(factor, factor, 4, true), shifted)).toBeLessThan(1e-9);
    expect(choleskyWithJitter(a, n).jitter).toBe(0);
    const negative = Float64Array.of(-1, 0, 0, 0, -1, 0, 0, 0, -1);
    expect(() => choleskyWithJitter(negative, 3)).toThrow(LoomError);
    expect(() => choleskyWithJitter(negative, 3)).toThrow('the 3×3 matrix is not positive definite');
  });
});
