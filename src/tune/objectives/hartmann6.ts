/**
 * Hartmann 6-D: f(x) = -Σ_i α_i exp(-Σ_j A_ij (x_j - P_ij)²) on [0, 1]^6, global minimum
 * -3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573).
 * L. C. W. Dixon, G. P. Szegő, "The global optimization problem: an introduction", 1978.
 */
import { floatDistribution, type Distribution } from '../space/distribution.js';
import type { BenchmarkFunction } from './objective.js';

const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];
const ALPHA = [1.0, 1.2, 3.0, 3.2];

export function hartmann6Value(x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2;
    sum += ALPHA[i] * Math.exp(-inner);
  }
  return -sum;
}

const names = Array.from({ length: 6 }, (_, i) => `x${i}`);

export const hartmann6: BenchmarkFunction = {
  name: 'hartmann6',
  space: Object.fromEntries(names.map((n) => [n, floatDistribution(n, 0, 1)])) as Record<string, Distribution>,
  optimum: -3.32237,
  evaluate: (p) => hartmann6Value(names.map((n) => p[n] as number)),
};
