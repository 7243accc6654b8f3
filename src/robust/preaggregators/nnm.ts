/**
 * Nearest-neighbour mixing (Allouah, Farhadkhani, Guerraoui, Gupta, Pinot, Stephan, "Fixing by
 * Mixing: A Recipe for Optimal Byzantine ML under Heterogeneity", AISTATS 2023): each input is
 * replaced by the average of its n - f nearest inputs, itself included. Ties go to the lower index.
 */
import { checkF, RobustRuleError } from '../aggregator.js';
import { averageChosen } from '../aggregators/chosen-average.js';
import { pairwiseSquaredDistances } from '../pairwise-distances.js';
import type { PreAggregator } from '../preaggregator.js';

export function nnm(f: number): PreAggregator {
  checkF('nnm', f);
  return {
    name: 'nnm',
    apply(inputs) {
      const n = inputs.length;
      if (n - f < 1) throw new RobustRuleError(`nnm needs n > f; got n = ${n}, f = ${f}`);
      const distances = pairwiseSquaredDistances(inputs);
      return inputs.map((x, i) => {
        const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => (a === i ? -1 : b === i ? 1 : distances[i * n + a]! - distances[i * n + b]! || a - b));
        const out = new Float32Array(x.length);
        averageChosen(inputs, order.slice(0, n - f), out);
        return out;
      });
    },
  };
}
