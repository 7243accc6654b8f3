/**
 * MoNNA (Farhadkhani, Guerraoui, Gupta, Hoang, Pinot, Stephan, "Robust Collaborative Learning with
 * Linear Gradient Overhead", ICML 2023): the average of the n - f inputs nearest to a pivot input
 * that is known to be honest (the server's own, or a trusted worker's), the pivot itself included
 * (distance 0). Option `pivot` is its index, default 0. Ties go to the lower index. Needs n > 2f.
 */
import { z } from 'zod';
import { averageOf, defineRule, HONEST_MAJORITY, RobustRuleError, type Aggregator } from '../aggregator.js';
import { nonNegativeInteger } from '../option-fields.js';
import { parseOptions } from '../options.js';
import { squaredDistance } from '../vectors.js';

export const monnaOptionsSchema = z.strictObject({
  /** The trusted input's index (below n, checked on each call). */
  pivot: nonNegativeInteger.default(0),
});

export type MonnaOptions = z.input<typeof monnaOptionsSchema>;

export function monna(f: number, options: MonnaOptions = {}): Aggregator {
  const { pivot } = parseOptions('aggregator', 'monna', monnaOptionsSchema, options);
  return defineRule('monna', f, HONEST_MAJORITY, (inputs, out, n) => {
    if (pivot >= n) throw new RobustRuleError(`monna: pivot ${pivot} is not an input index (n = ${n})`);
    const center = inputs[pivot]!;
    const distance = inputs.map((x) => squaredDistance(x, center));
    averageOf(inputs, Array.from(distance.keys()).sort((a, b) => distance[a]! - distance[b]! || a - b).slice(0, n - f), out);
  });
}
