/**
 * Meamed, mean around the median (Xie, Koyejo, Gupta, "Generalized Byzantine-tolerant SGD",
 * arXiv:1802.10116, 2018): per coordinate, the average of the n - f values closest to the
 * coordinate-wise median. Needs n > 2f.
 */
import { defineRule, HONEST_MAJORITY, type Aggregator } from '../aggregator.js';
import { forEachSortedCoordinate } from './coordinate-order.js';
import { meanAroundMedian } from './mean-around-median.js';
import { robustKernels } from './native-path.js';

export function meamed(f: number): Aggregator {
  return defineRule('meamed', f, HONEST_MAJORITY, (inputs, out, n) => {
    const native = robustKernels();
    if (native !== null) return native.meanAroundMedian(inputs, out, n - f);
    forEachSortedCoordinate(inputs, out.length, (j, sorted) => {
      out[j] = meanAroundMedian(sorted, n - f);
    });
  });
}
