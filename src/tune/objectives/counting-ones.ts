/**
 * Counting ones, the multi-fidelity benchmark of BOHB: d categorical parameters in {0, 1} and d
 * continuous ones in [0, 1]; f = -(Σ categorical + Σ_j mean of `budget` Bernoulli(x_j) draws).
 * The budget is the number of draws: small budgets are cheap, noisy estimates of the same
 * function. Minimum -2d, at all ones.
 * S. Falkner, A. Klein, F. Hutter, "BOHB: Robust and Efficient Hyperparameter Optimization at
 * Scale", ICML 2018, section 5.1.
 */
import { Rng } from '../../util/rng.js';
import { categoricalDistribution, floatDistribution, type Distribution, type ParamValue } from '../space/distribution.js';
import type { BenchmarkFunction } from './objective.js';

export function countingOnes(dimensions = 8): BenchmarkFunction {
  const space: Record<string, Distribution> = {};
  for (let j = 0; j < dimensions; j++) space[`c${j}`] = categoricalDistribution(`c${j}`, [0, 1]);
  for (let j = 0; j < dimensions; j++) space[`x${j}`] = floatDistribution(`x${j}`, 0, 1);
  return {
    name: 'counting-ones',
    space,
    optimum: -2 * dimensions,
    evaluate(p: Readonly<Record<string, ParamValue>>, budget = 1, seed = 0): number {
      const draws = Math.max(1, Math.round(budget));
      let total = 0;
      for (let j = 0; j < dimensions; j++) {
        total += p[`c${j}`] as number;
        const rng = Rng.derive(seed, j, draws);
        let ones = 0;
        for (let k = 0; k < draws; k++) if (rng.next() < (p[`x${j}`] as number)) ones++;
        total += ones / draws;
      }
      return -total;
    },
  };
}
