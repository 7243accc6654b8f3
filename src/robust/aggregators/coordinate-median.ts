/**
 * Coordinate-wise median (Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust Distributed Learning:
 * Towards Optimal Statistical Rates", ICML 2018). Tolerates f < n/2: with at most f arbitrary values
 * per coordinate the median stays between honest values.
 *
 * For even n the literature differs: numpy's median (and ByzFL's) averages the two middle values;
 * torch.median returns the lower one. Option `even` chooses; the default is `mean` (numpy's).
 */
import { z } from 'zod';
import { defineRule, HONEST_MAJORITY, type Aggregator } from '../aggregator.js';
import { oneOf } from '../option-fields.js';
import { parseOptions } from '../options.js';
import { forEachSortedCoordinate } from './coordinate-order.js';
import { robustKernels } from './native-path.js';

export const coordinateMedianOptionsSchema = z.strictObject({
  /** For an even n: average the two middle values (`mean`, default) or take the lower (`lower`). */
  even: oneOf(['mean', 'lower']).default('mean'),
});

export type CoordinateMedianOptions = z.input<typeof coordinateMedianOptionsSchema>;

export function coordinateMedian(f: number, options: CoordinateMedianOptions = {}): Aggregator {
  const { even } = parseOptions('aggregator', 'median', coordinateMedianOptionsSchema, options);
  return defineRule('median', f, HONEST_MAJORITY, (inputs, out, n) => {
    const native = robustKernels();
    if (native !== null) return native.coordinateMedian(inputs, out, even);
    const lo = (n - 1) >> 1; // the middle for odd n, the lower middle for even n
    const takeLo = n % 2 === 1 || even === 'lower';
    forEachSortedCoordinate(inputs, out.length, (j, sorted) => {
      out[j] = takeLo ? sorted[lo]! : (sorted[lo]! + sorted[lo + 1]!) / 2;
    });
  });
}
