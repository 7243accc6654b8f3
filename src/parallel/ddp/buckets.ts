/**
 * Gradient buckets as PyTorch DDP forms them (Li et al., "PyTorch Distributed: Experiences on
 * Accelerating Data Parallel Training", VLDB 2020): parameters in reverse order — the order their
 * gradients become ready in a backward pass — grouped into buckets of at most `capBytes`, the
 * first one smaller (`firstCapBytes`) so that its all-reduce can start early. A tensor larger than
 * the cap gets a bucket of its own. Over a flat buffer each bucket is one contiguous range.
 */
import { LoomError } from '../../util/errors.js';

export interface BucketSegment {
  readonly offset: number;
  readonly size: number;
}

/** [start, end) in elements of the flat gradient. */
export type Bucket = readonly [number, number];

export interface BucketOptions {
  readonly capBytes: number;
  readonly firstCapBytes: number;
}

export const DEFAULT_BUCKET_OPTIONS: BucketOptions = { capBytes: 25 * 2 ** 20, firstCapBytes: 2 ** 20 };

/** Buckets over float32 `segments` (which must tile [0, total) in order), last parameters first. */
export function planBuckets(segments: readonly BucketSegment[], options: BucketOptions = DEFAULT_BUCKET_OPTIONS): Bucket[] {
  if (!(options.capBytes > 0) || !(options.firstCapBytes > 0)) {
    throw new LoomError(`bucket caps must be positive, got ${options.capBytes} and ${options.firstCapBytes} bytes`);
  }
  let expected = 0;
  for (const segment of segments) {
    if (segment.offset !== expected) throw new LoomError(`parameter segments must be contiguous: expected offset ${expected}, got ${segment.offset}`);
    expected += segment.size;
  }
  const buckets: Bucket[] = [];
  let end = expected;
  let start = expected;
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i];
    const cap = buckets.length === 0 ? options.firstCapBytes : options.capBytes;
    if (start < end && (end - segment.offset) * 4 > cap) {
      buckets.push([start, end]);
      end = start;
    }
    start = segment.offset;
  }
  if (start < end) buckets.push([start, end]);
  return buckets;
}
