/**
 * Branin-Hoo: f(x1, x2) = (x2 - b x1² + c x1 - r)² + s (1 - t) cos(x1) + s on [-5, 10] x [0, 15],
 * three global minima of 0.397887 at (-π, 12.275), (π, 2.275), (9.42478, 2.475).
 * L. C. W. Dixon, G. P. Szegő, "The global optimization problem: an introduction", in Towards
 * Global Optimisation 2, North-Holland, 1978.
 */
import { floatDistribution } from '../space/distribution.js';
import type { BenchmarkFunction } from './objective.js';

export function braninValue(x1: number, x2: number): number {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

export const branin: BenchmarkFunction = {
  name: 'branin',
  space: { x1: floatDistribution('x1', -5, 10), x2: floatDistribution('x2', 0, 15) },
  optimum: 0.397887,
  evaluate: (p) => braninValue(p.x1 as number, p.x2 as number),
};
