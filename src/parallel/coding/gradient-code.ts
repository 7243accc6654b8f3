/**
 * Gradient coding (Tandon, Lei, Dimakis, Karampatziakis, "Gradient Coding: Avoiding Stragglers in
 * Distributed Learning", ICML 2017): the global batch is cut into n partitions; worker i computes
 * the gradients of the s + 1 partitions its row of B covers and sends their combination
 * sum_j B_ij g_j; from the sends of ANY n - s workers the server recovers the full gradient
 * sum_j g_j exactly, as a combination sum_i a_i (B g)_i with a^T B_F = 1^T. So s stragglers cost
 * nothing, for s + 1 times the compute per worker.
 *
 * Two constructions of the paper: fractional repetition (groups of s + 1 workers compute the same
 * s + 1 partitions; needs (s + 1) | n; decoding takes one survivor per group) and the cyclic code
 * (worker i covers partitions i..i+s mod n, with coefficients from a seeded random H with H 1 = 0
 * and H b_i = 0; decoding solves for a by least squares).
 */
import { LoomError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';

export type GradientCodeScheme = 'fractional-repetition' | 'cyclic';

export interface GradientCode {
  readonly n: number;
  readonly s: number;
  /** The partitions worker i covers and their coefficients: B_ij for j in partitions. */
  row(i: number): { readonly partitions: readonly number[]; readonly coefficients: readonly number[] };
  /** Decoding weights for the workers in `survivors` (at least n - s of them), in their order. */
  decode(survivors: readonly number[]): number[];
}

export function checkGradientCode(scheme: GradientCodeScheme, n: number, s: number): void {
  if (!Number.isInteger(s) || s < 1) throw new LoomError(`strategy.gradientCoding.s = ${s} must be a positive integer`);
  if (s >= n) throw new LoomError(`strategy.gradientCoding.s = ${s} stragglers cannot be tolerated by distributed.workers = ${n} (s must be below the worker count)`);
  if (scheme === 'fractional-repetition' && n % (s + 1) !== 0) {
    throw new LoomError(`strategy.gradientCoding: fractional repetition needs s + 1 = ${s + 1} to divide distributed.workers = ${n} (or use scheme cyclic)`);
  }
}

export function createGradientCode(scheme: GradientCodeScheme, n: number, s: number, seed: number): GradientCode {
  checkGradientCode(scheme, n, s);
  return scheme === 'fractional-repetition' ? fractionalRepetition(n, s) : cyclic(n, s, seed);
}

function fractionalRepetition(n: number, s: number): GradientCode {
  const group = (i: number): number => Math.floor(i / (s + 1));
  return {
    n,
    s,
    row: (i) => ({ partitions: Array.from({ length: s + 1 }, (_, k) => group(i) * (s + 1) + k), coefficients: Array(s + 1).fill(1) }),
    decode: (survivors) => {
      requireSurvivors(n, s, survivors);
      const seen = new Set<number>();
      return survivors.map((i) => (seen.has(group(i)) ? 0 : (seen.add(group(i)), 1)));
    },
  };
}

function cyclic(n: number, s: number, seed: number): GradientCode {
  const rng = Rng.derive(seed, 0x6c0de, n, s);
  // H: s x n Gaussian with every row summing to 0 (H 1 = 0), so 1 lies in the span of any n - s rows of B.
  const H = Array.from({ length: s }, () => {
    const row = Array.from({ length: n }, () => rng.normal());
    const total = row.slice(0, n - 1).reduce((a, b) => a + b, 0);
    row[n - 1] = -total;
    return row;
  });
  const rows = Array.from({ length: n }, (_, i) => {
    const support = Array.from({ length: s + 1 }, (_, k) => (i + k) % n);
    // b restricted to the support, b[0] = 1: H[:, support[1..]] x = -H[:, support[0]].
    const x = solve(
      H.map((h) => support.slice(1).map((j) => h[j]!)),
      H.map((h) => -h[support[0]!]!),
    );
    const coefficients = [1, ...x];
    return { partitions: support, coefficients };
  });
  return {
    n,
    s,
    row: (i) => rows[i]!,
    decode: (survivors) => {
      requireSurvivors(n, s, survivors);
      // a minimises ||B_F^T a - 1||: (B_F B_F^T) a = B_F 1; the code guarantees the residual is 0.
      const dense = survivors.map((i) => {
        const out = new Array<number>(n).fill(0);
        rows[i]!.partitions.forEach((j, k) => (out[j] = rows[i]!.coefficients[k]!));
        return out;
      });
      const gram = dense.map((u) => dense.map((v) => u.reduce((sum, x, j) => sum + x * v[j]!, 0)));
      const a = solve(gram, dense.map((u) => u.reduce((sum, x) => sum + x, 0)));
      const residual = Math.max(...Array.from({ length: n }, (_, j) => Math.abs(dense.reduce((sum, u, k) => sum + a[k]! * u[j]!, 0) - 1)));
      if (!(residual < 1e-8)) throw new LoomError(`gradient code: the ${survivors.length} survivors [${survivors.join(', ')}] do not decode the full gradient (residual ${residual})`);
      return a;
    },
  };
}

function requireSurvivors(n: number, s: number, survivors: readonly number[]): void {
  if (new Set(survivors).size < n - s) throw new LoomError(`gradient code: decoding needs ${n - s} distinct workers, got [${survivors.join(', ')}]`);
}

/** Solves A x = b (square) by Gaussian elimination with partial pivoting, in float64. */
export function solve(A: readonly (readonly number[])[], b: readonly number[]): number[] {
  const m = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(M[r]![col]!) > Math.abs(M[pivot]![col]!)) pivot = r;
    if (Math.abs(M[pivot]![col]!) < 1e-300) throw new LoomError('gradient code: singular system');
    [M[col], M[pivot]] = [M[pivot]!, M[col]!];
    for (let r = col + 1; r < m; r++) {
      const factor = M[r]![col]! / M[col]![col]!;
      for (let c = col; c <= m; c++) M[r]![c]! -= factor * M[col]![c]!;
    }
  }
  const x = new Array<number>(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let sum = M[r]![m]!;
    for (let c = r + 1; c < m; c++) sum -= M[r]![c]! * x[c]!;
    x[r] = sum / M[r]![r]!;
  }
  return x;
}
