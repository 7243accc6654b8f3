/**
 * MoNNA (Farhadkhani, Guerraoui, Gupta, Hoang, Pinot, Stephan, "Robust Collaborative Learning with
 * Linear Gradient Overhead", ICML 2023): the average of the n - f inputs nearest to a pivot input
 * that is known to be honest (the server's own, or a trusted worker's), the pivot itself included
 * (distance 0). Option `pivot` is its index, default 0. Ties go to the lower index. Needs n > 2f.
 */
import { averageOf, defineRule, HONEST_MAJORITY, RobustRuleError, type Aggregator } from '../aggregator.js';
import { squaredDistance } from '../vectors.js';

export interface MonnaOptions {
  readonly pivot?: number;
}

export function monna(f: number, options: MonnaOptions = {}): Aggregator {
  const pivot = options.pivot ?? 0;
  if (!Number.isInteger(pivot) || pivot < 0) throw new RobustRuleError(`monna: pivot must be a non-negative integer; got ${pivot}`);
  return defineRule('monna', f, HONEST_MAJORITY, (inputs, out, n) => {
    if (pivot >= n) throw new RobustRuleError(`monna: pivot ${pivot} is not an input index (n = ${n})`);
    const center = inputs[pivot]!;
    const distance = inputs.map((x) => squaredDistance(x, center));
    averageOf(inputs, Array.from(distance.keys()).sort((a, b) => distance[a]! - distance[b]! || a - b).slice(0, n - f), out);
  });
}
