/**
 * Direction numbers of the Sobol' sequence for its first 40 dimensions: dimension 1 is the van
 * der Corput sequence in base 2, dimensions 2..40 take their primitive polynomial and initial
 * direction numbers from S. Joe and F. Y. Kuo's table "new-joe-kuo-6.21201", the set chosen for
 * good two-dimensional projections.
 * I. M. Sobol', "On the distribution of points in a cube and the approximate evaluation of
 * integrals", USSR Comput. Math. Math. Phys. 7(4), 1967; S. Joe, F. Y. Kuo, "Constructing Sobol
 * sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30(5), 2008; P. Bratley,
 * B. L. Fox, "Algorithm 659: Implementing Sobol's quasirandom sequence generator", ACM TOMS 14, 1988
 * (the recurrence).
 */

/** Binary digits each coordinate has: points are k / 2^32. */
export const SOBOL_BITS = 32;

/**
 * One row of Joe & Kuo's table: `s` is the degree of the primitive polynomial
 * x^s + c_1 x^(s-1) + ... + c_(s-1) x + 1, `a` its inner coefficients c_1 ... c_(s-1) as the
 * binary number c_1 c_2 ... c_(s-1), and `m` the initial direction numbers m_1 ... m_s (each odd,
 * m_k < 2^k).
 */
interface JoeKuoRow {
  readonly s: number;
  readonly a: number;
  readonly m: readonly number[];
}

const row = (s: number, a: number, ...m: number[]): JoeKuoRow => ({ s, a, m });

/** Dimensions 2..40 of new-joe-kuo-6.21201 (columns d, s, a, m_i; d is the index here plus 2). */
const JOE_KUO: readonly JoeKuoRow[] = [
  row(1, 0, 1), // 2
  row(2, 1, 1, 3), // 3
  row(3, 1, 1, 3, 1), // 4
  row(3, 2, 1, 1, 1), // 5
  row(4, 1, 1, 1, 3, 3), // 6
  row(4, 4, 1, 3, 5, 13), // 7
  row(5, 2, 1, 1, 5, 5, 17), // 8
  row(5, 4, 1, 1, 5, 5, 5), // 9
  row(5, 7, 1, 1, 7, 11, 19), // 10
  row(5, 11, 1, 1, 5, 1, 1), // 11
  row(5, 13, 1, 1, 1, 3, 11), // 12
  row(5, 14, 1, 3, 5, 5, 31), // 13
  row(6, 1, 1, 3, 3, 9, 7, 49), // 14
  row(6, 13, 1, 1, 1, 15, 21, 21), // 15
  row(6, 16, 1, 3, 1, 13, 27, 49), // 16
  row(6, 19, 1, 1, 1, 15, 7, 5), // 17
  row(6, 22, 1, 3, 1, 15, 13, 25), // 18
  row(6, 25, 1, 1, 5, 5, 19, 61), // 19
  row(7, 1, 1, 3, 7, 11, 23, 15, 103), // 20
  row(7, 4, 1, 3, 7, 13, 13, 15, 69), // 21
  row(7, 7, 1, 1, 3, 13, 7, 35, 63), // 22
  row(7, 8, 1, 3, 5, 9, 1, 25, 53), // 23
  row(7, 14, 1, 3, 1, 13, 9, 35, 107), // 24
  row(7, 19, 1, 3, 1, 5, 27, 61, 31), // 25
  row(7, 21, 1, 1, 5, 11, 19, 41, 61), // 26
  row(7, 28, 1, 3, 5, 3, 3, 13, 69), // 27
  row(7, 31, 1, 1, 7, 13, 1, 19, 1), // 28
  row(7, 32, 1, 3, 7, 5, 13, 19, 59), // 29
  row(7, 37, 1, 1, 3, 9, 25, 29, 41), // 30
  row(7, 41, 1, 3, 5, 13, 23, 1, 55), // 31
  row(7, 42, 1, 3, 7, 3, 13, 59, 17), // 32
  row(7, 50, 1, 3, 1, 3, 5, 53, 69), // 33
  row(7, 55, 1, 1, 5, 5, 23, 33, 13), // 34
  row(7, 56, 1, 1, 7, 7, 1, 61, 123), // 35
  row(7, 59, 1, 1, 7, 9, 13, 61, 49), // 36
  row(7, 62, 1, 3, 3, 5, 3, 55, 33), // 37
  row(8, 14, 1, 3, 1, 15, 31, 13, 49, 245), // 38
  row(8, 21, 1, 3, 5, 15, 31, 59, 63, 97), // 39
  row(8, 22, 1, 3, 1, 11, 11, 11, 77, 249), // 40
];

/** How many dimensions the table covers. */
export const SOBOL_MAX_DIMENSION = JOE_KUO.length + 1;

/**
 * The direction numbers v_1 ... v_32 of 0-based dimension `dimension`, left-aligned
 * (v_k = m_k / 2^k as a 32-bit fraction): x_n = XOR of the v_k for the bits of n's Gray code.
 */
export function directionNumbers(dimension: number): Uint32Array {
  if (!Number.isInteger(dimension) || dimension < 0 || dimension >= SOBOL_MAX_DIMENSION) {
    throw new RangeError(`Sobol dimension ${dimension} is outside 0..${SOBOL_MAX_DIMENSION - 1}`);
  }
  const v = new Uint32Array(SOBOL_BITS);
  if (dimension === 0) {
    for (let k = 0; k < SOBOL_BITS; k++) v[k] = 2 ** (SOBOL_BITS - 1 - k); // every m_k = 1
    return v;
  }
  const { s, a, m } = JOE_KUO[dimension - 1];
  for (let k = 0; k < Math.min(s, SOBOL_BITS); k++) v[k] = m[k] * 2 ** (SOBOL_BITS - 1 - k);
  // Bratley & Fox's recurrence, left-aligned: v_k = v_(k-s) ^ (v_(k-s) >> s) ^ XOR_i c_i v_(k-i).
  for (let k = s; k < SOBOL_BITS; k++) {
    let next = v[k - s] ^ (v[k - s] >>> s);
    for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) next ^= v[k - i];
    v[k] = next >>> 0;
  }
  return v;
}
