/**
 * Segment layout used by reduceScatter, allGather and the ring / halving-doubling algorithms:
 * `count` elements split into `parts` contiguous segments in rank order, the first
 * `count % parts` segments one element longer. E.g. 10 elements over 4 ranks: 3, 3, 2, 2
 * (offsets 0, 3, 6, 8). Segments may be empty when count < parts.
 */
import type { ElementArray } from './element-types.js';

export function segmentStart(count: number, parts: number, index: number): number {
  const base = Math.floor(count / parts);
  return index * base + Math.min(index, count % parts);
}

export function segmentLength(count: number, parts: number, index: number): number {
  return Math.floor(count / parts) + (index < count % parts ? 1 : 0);
}

/** The elements of segments [first, end) of `buf` split into `parts`, as a view. */
export function segmentView<T extends ElementArray<T>>(buf: T, parts: number, first: number, end = first + 1): T {
  return buf.subarray(segmentStart(buf.length, parts, first), segmentStart(buf.length, parts, end));
}
