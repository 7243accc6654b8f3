/**
 * Bucketing (Karimireddy, He, Jaggi, "Byzantine-Robust Learning on Heterogeneous Datasets via
 * Bucketing", ICLR 2022): the inputs are shuffled (seeded, a fresh permutation every call) and cut
 * into buckets of s; each bucket's average is one output, so n inputs become ceil(n / s). The rule
 * after it sees ceil(n / s) vectors with the same f: choose s with that in mind (the paper's
 * s <= n / (2f)).
 */
import { z } from 'zod';
import { averageOf } from '../aggregator.js';
import { positiveInteger, seed } from '../option-fields.js';
import { checkArgument, parseOptions } from '../options.js';
import type { PreAggregator } from '../preaggregator.js';
import { Rng } from '../../util/rng.js';

export const bucketingOptionsSchema = z.strictObject({ seed: seed.default(0) });

export type BucketingOptions = z.input<typeof bucketingOptionsSchema>;

/** As configs write it: `{ type: bucketing, s: 2, seed: 0 }`, s the bucket size. */
export const bucketingSpecSchema = z.strictObject({ s: positiveInteger.default(2), ...bucketingOptionsSchema.shape });

export function bucketing(s: number, options: BucketingOptions = {}): PreAggregator {
  checkArgument('bucketing', 'the bucket size', positiveInteger, s);
  const rng = new Rng(parseOptions('pre-aggregator', 'bucketing', bucketingOptionsSchema, options).seed);
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
