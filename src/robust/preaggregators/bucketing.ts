/**
 * Bucketing (Karimireddy, He, Jaggi, "Byzantine-Robust Learning on Heterogeneous Datasets via
 * Bucketing", ICLR 2022): the inputs are shuffled (seeded, a fresh permutation every call) and cut
 * into buckets of s; each bucket's average is one output, so n inputs become ceil(n / s). The rule
 * after it sees ceil(n / s) vectors with the same f: choose s with that in mind (the paper's
 * s <= n / (2f)).
 */
import { averageOf, RobustRuleError } from '../aggregator.js';
import type { PreAggregator } from '../preaggregator.js';
import { Rng } from '../../util/rng.js';

export interface BucketingOptions {
  readonly seed?: number;
}

export function bucketing(s: number, options: BucketingOptions = {}): PreAggregator {
  if (!Number.isInteger(s) || s < 1) throw new RobustRuleError(`bucketing: the bucket size must be a positive integer; got ${s}`);
  const rng = new Rng(options.seed ?? 0);
  return {
    name: 'bucketing',
    apply(inputs) {
      const order = Array.from(rng.permutation(inputs.length));
      const buckets: Float32Array[] = [];
      for (let start = 0; start < order.length; start += s) {
        const out = new Float32Array(inputs[0]!.length);
        averageOf(inputs, order.slice(start, start + s), out);
        buckets.push(out);
      }
      return buckets;
    },
  };
}
