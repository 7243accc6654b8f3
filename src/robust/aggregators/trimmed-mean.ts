/**
 * Coordinate-wise trimmed mean (Yin, Chen, Ramchandran, Bartlett, ICML 2018): per coordinate, drop
 * the f largest and the f smallest values and average the n - 2f that remain. Needs 2f < n.
 * The trim count is f, as in Yin et al. and ByzFL (not a fraction beta of n).
 */
import { defineRule, HONEST_MAJORITY, type Aggregator } from '../aggregator.js';
import { forEachSortedCoordinate } from './coordinate-order.js';
import { robustKernels } from './native-path.js';

export function trimmedMean(f: number): Aggregator {
  return defineRule('trimmed-mean', f, HONEST_MAJORITY, (inputs, out, n) => {
    const native = robustKernels();
    if (native !== null) return native.trimmedMean(inputs, out, f);
    forEachSortedCoordinate(inputs, out.length, (j, sorted) => {
      let sum = 0;
      for (let k = f; k < n - f; k++) sum += sorted[k]!;
      out[j] = sum / (n - 2 * f);
    });
  });
}
