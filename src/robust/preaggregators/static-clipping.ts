/**
 * Static clipping: every input scaled to Euclidean norm at most c, the clipping of DP-SGD
 * (Abadi et al., "Deep Learning with Differential Privacy", CCS 2016) used as a robustness
 * pre-aggregator. An input with a NaN norm is replaced by zeros.
 */
import { z } from 'zod';
import { positiveNumber } from '../option-fields.js';
import { checkArgument } from '../options.js';
import { clipToNorm, type PreAggregator } from '../preaggregator.js';
import { norm } from '../vectors.js';

/** As configs write it: `{ type: static-clipping, c: 5 }`, c the norm bound (no default). */
export const staticClippingOptionsSchema = z.strictObject({ c: positiveNumber });

export function staticClipping(c: number): PreAggregator {
  checkArgument('static-clipping', 'the norm bound', positiveNumber, c);
  return {
    name: 'static-clipping',
    apply: (inputs) =>
      inputs.map((x) => {
        const length = norm(x);
        return Number.isNaN(length) ? new Float32Array(x.length) : clipToNorm(x, c, length);
      }),
  };
}
