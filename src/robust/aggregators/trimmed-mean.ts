/**
 * Coordinate-wise trimmed mean (Yin, Chen, Ramchandran, Bartlett, ICML 2018): per coordinate, drop
 * the f largest and the f smallest values and average the n - 2f that remain. Needs 2f < n.
 * The trim count is f, as in Yin et al. and ByzFL (not a fraction beta of n).
 */
import { checkF, checkInputs, requireCondition, type Aggregator } from '../aggregator.js';
import { forEachSortedCoordinate } from './coordinate-order.js';

export function trimmedMean(f: number): Aggregator {
  checkF('trimmed-mean', f);
  return {
    name: 'trimmed-mean',
    f,
    aggregate(inputs, out) {
      const n = checkInputs('trimmed-mean', inputs, out);
      requireCondition('trimmed-mean', n, f, 2 * f < n, 'n > 2f');
      const kept = n - 2 * f;
      forEachSortedCoordinate(inputs, out.length, (j, sorted) => {
        let sum = 0;
        for (let k = f; k < n - f; k++) sum += sorted[k]!;
        out[j] = sum / kept;
      });
    },
  };
}
