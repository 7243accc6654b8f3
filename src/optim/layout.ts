/** Checking a layout once at construction, and cutting a whole-model layout down to a shard. */
import { LoomError, showValue } from '../util/errors.js';
import type { OptimizerLayout, SegmentRange } from './optimizer.js';

/** Segments as parallel arrays, sorted by offset, empty ones dropped: `[starts[k], ends[k])`. */
export interface ResolvedSegments {
  readonly length: number;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  /** True where the segment's tensor is known to be 1-D (bias, norm scale). */
  readonly isVector: readonly boolean[];
}

function layoutError(owner: string, detail: string): LoomError {
  return new LoomError(`${owner} optimizer layout is invalid: ${detail}`);
}

export function resolveLayout(owner: string, layout: OptimizerLayout): ResolvedSegments {
  const length = layout.length;
  if (!Number.isSafeInteger(length) || length < 0) {
    throw layoutError(owner, `length=${showValue(length)}, expected an integer >= 0`);
  }
  const given = layout.segments ?? [{ offset: 0, size: length }];
  for (const { offset, size } of given) {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0) {
      throw layoutError(owner, `segment offset=${showValue(offset)} size=${showValue(size)} is not a range`);
    }
  }
  const sorted = given.filter((s) => s.size > 0).sort((a, b) => a.offset - b.offset);
  const starts: number[] = [];
  const ends: number[] = [];
  const isVector: boolean[] = [];
  let next = 0;
  for (const segment of sorted) {
    const { offset, size } = segment;
    if (offset !== next) {
      const what = offset < next ? 'overlaps the previous one' : `leaves [${next}, ${offset}) uncovered`;
      throw layoutError(owner, `segment at offset ${offset} ${what}; segments must tile [0, ${length})`);
    }
    next = offset + size;
    starts.push(offset);
    ends.push(next);
    isVector.push(segment.shape !== undefined && segment.shape.length <= 1);
  }
  if (next !== length) {
    throw layoutError(owner, `segments cover [0, ${next}), expected [0, ${length})`);
  }
  return { length, starts, ends, isVector };
}

/**
 * The layout of `[start, end)` of a buffer whose tensors are `segments` (offsets relative to the
 * whole buffer, e.g. a model's segments): each segment clipped to the range and rebased to it,
 * keeping its shape. For a ZeRO shard. Layer-wise rules (LARS, LAMB) on a shard then see only the
 * local pieces of a tensor cut by the shard boundary, so their trust ratios differ from the
 * whole-buffer ones there; element-wise rules (SGD, Adam, AdamW) are unaffected.
 */
export function layoutForRange(segments: readonly SegmentRange[], start: number, end: number): OptimizerLayout {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new LoomError(`layoutForRange: range [${showValue(start)}, ${showValue(end)}) is not a range`);
  }
  const clipped: SegmentRange[] = [];
  for (const segment of segments) {
    const from = Math.max(segment.offset, start);
    const to = Math.min(segment.offset + segment.size, end);
    if (to <= from) continue;
    clipped.push(
      segment.shape === undefined
        ? { offset: from - start, size: to - from }
        : { offset: from - start, size: to - from, shape: segment.shape },
    );
  }
  return { length: end - start, segments: clipped };
}
