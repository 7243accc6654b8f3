/**
 * Static clipping: every input scaled to Euclidean norm at most c, the clipping of DP-SGD
 * (Abadi et al., "Deep Learning with Differential Privacy", CCS 2016) used as a robustness
 * pre-aggregator. An input with a NaN norm is replaced by zeros.
 */
import { RobustRuleError } from '../aggregator.js';
import { clipToNorm, type PreAggregator } from '../preaggregator.js';
import { norm } from '../vectors.js';

export function staticClipping(c: number): PreAggregator {
  if (!(c > 0) || !Number.isFinite(c)) throw new RobustRuleError(`static-clipping: the norm bound must be a positive number; got ${c}`);
  return {
    name: 'static-clipping',
    apply: (inputs) =>
      inputs.map((x) => {
        const length = norm(x);
        return Number.isNaN(length) ? new Float32Array(x.length) : clipToNorm(x, c, length);
      }),
  };
}
