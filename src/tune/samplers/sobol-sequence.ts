/**
 * The Sobol' sequence in base 2 (Gray-code order, as Antonov & Saleev and scipy's qmc.Sobol):
 * point n is the XOR of the direction numbers (sobol-direction-numbers.ts) selected by the bits of
 * n ^ (n >> 1), so any point is computed directly from its index — no state, no fast-forward.
 * I. M. Sobol', USSR Comput. Math. Math. Phys. 7(4), 1967; I. A. Antonov, V. M. Saleev, "An economic
 * method of computing LP_tau-sequences", USSR Comput. Math. Math. Phys. 19(1), 1979.
 *
 * Optional scrambling is a linear matrix scramble plus a random digital shift (what scipy's
 * `scramble=True` does): each dimension's digits are multiplied by a random lower-triangular binary
 * matrix with a unit diagonal, then XORed with a random 32-bit shift. It is a restricted form of
 * Owen's nested scrambling that keeps the net structure — every aligned block of 2^m points still
 * puts one point in each interval [j / 2^m, (j + 1) / 2^m) of every coordinate — while removing the
 * plain sequence's points on the cube's faces and centre lines.
 * J. Matoušek, "On the L2-discrepancy for anchored boxes", J. Complexity 14(4), 1998; A. B. Owen,
 * "Randomly permuted (t,m,s)-nets and (t,s)-sequences", Monte Carlo and Quasi-Monte Carlo Methods
 * in Scientific Computing, Springer 1995.
 */
import { Rng } from '../../util/rng.js';
import { directionNumbers, SOBOL_BITS } from './sobol-direction-numbers.js';

export { SOBOL_MAX_DIMENSION } from './sobol-direction-numbers.js';

/** Points the sequence has: indices 0 .. 2^32 - 1. */
export const SOBOL_LENGTH = 2 ** SOBOL_BITS;

/** The stream label of a dimension's scrambling (mixed with the seed and the dimension). */
const SCRAMBLE_STREAM = 0x50b01;

interface DimensionGenerator {
  readonly v: Uint32Array;
  readonly shift: number;
}

export class SobolSequence {
  private readonly dimensions = new Map<number, DimensionGenerator>();

  /** `scrambleSeed`: null for the plain sequence; a seed fixes the scrambling of every dimension. */
  constructor(private readonly scrambleSeed: number | null = null) {}

  /** Coordinate `dimension` (0-based, < SOBOL_MAX_DIMENSION) of point `index`, in [0, 1). */
  coordinate(index: number, dimension: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= SOBOL_LENGTH) throw new RangeError(`Sobol index ${index} is outside 0..2^32-1`);
    const { v, shift } = this.generator(dimension);
    const gray = (index ^ (index >>> 1)) >>> 0; // for index >= 2^31 the bitwise ops see its 32-bit pattern
    let x = shift;
    for (let k = 0, bits = gray; bits !== 0; k++, bits >>>= 1) if (bits & 1) x ^= v[k];
    return (x >>> 0) / SOBOL_LENGTH;
  }

  /** Point `index` in its first `count` dimensions. */
  point(index: number, count: number): number[] {
    return Array.from({ length: count }, (_, d) => this.coordinate(index, d));
  }

  private generator(dimension: number): DimensionGenerator {
    let g = this.dimensions.get(dimension);
    if (!g) {
      const v = directionNumbers(dimension);
      g = this.scrambleSeed === null ? { v, shift: 0 } : scramble(v, Rng.derive(this.scrambleSeed, SCRAMBLE_STREAM, dimension));
      this.dimensions.set(dimension, g);
    }
    return g;
  }
}

/**
 * L·v for each direction number (digit i of the result is the parity of row i of L against v's
 * digits; digit 0 is the most significant bit), and a shift. L is linear and invertible, so
 * scrambling the direction numbers scrambles every point: L·(v_a ^ v_b) = L·v_a ^ L·v_b.
 */
function scramble(v: Uint32Array, rng: Rng): DimensionGenerator {
  const rows = new Uint32Array(SOBOL_BITS);
  for (let i = 0; i < SOBOL_BITS; i++) {
    const diagonal = 2 ** (SOBOL_BITS - 1 - i);
    const above = i === 0 ? 0 : (0xffffffff << (SOBOL_BITS - i)) >>> 0; // the i more significant digits
    rows[i] = ((rng.nextUint32() & above) | diagonal) >>> 0;
  }
  const scrambled = new Uint32Array(SOBOL_BITS);
  for (let k = 0; k < SOBOL_BITS; k++) {
    let y = 0;
    for (let i = 0; i < SOBOL_BITS; i++) if (parity(rows[i] & v[k])) y += 2 ** (SOBOL_BITS - 1 - i);
    scrambled[k] = y;
  }
  return { v: scrambled, shift: rng.nextUint32() };
}

function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}
