/**
 * Rosenbrock's valley in 4-D: f(x) = Σ_{i<3} 100 (x_{i+1} - x_i²)² + (1 - x_i)² on [-2, 2]^4,
 * minimum 0 at (1, 1, 1, 1).
 * H. H. Rosenbrock, "An automatic method for finding the greatest or least value of a function",
 * The Computer Journal 3(3):175-184, 1960.
 */
import { floatDistribution, type Distribution } from '../space/distribution.js';
import type { BenchmarkFunction } from './objective.js';

export function rosenbrockValue(x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < x.length; i++) sum += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
  return sum;
}

const names = Array.from({ length: 4 }, (_, i) => `x${i}`);

export const rosenbrock: BenchmarkFunction = {
  name: 'rosenbrock',
  space: Object.fromEntries(names.map((n) => [n, floatDistribution(n, -2, 2)])) as Record<string, Distribution>,
  optimum: 0,
  evaluate: (p) => rosenbrockValue(names.map((n) => p[n] as number)),
};
