/**
 * Ring reduce-scatter (the first half of Patarasuk & Yuan's bandwidth-optimal all-reduce:
 * P. Patarasuk, X. Yuan, "Bandwidth optimal all-reduce algorithms for clusters of workstations",
 * J. Parallel Distrib. Comput. 69(2), 2009). In n-1 steps each rank passes a partial result of one
 * segment to its right neighbour and reduces the one arriving from its left; afterwards rank r
 * holds the full reduction (the link's: sum, max, ...) of segment r (layout: segments.ts). Each
 * rank sends and receives (n-1)/n of the data.
 */
import type { ElementArray } from '../element-types.js';
import type { ReducingLink } from '../link.js';
import { ringPosition } from '../ring-order.js';
import { segmentLength, segmentView } from '../segments.js';

/** In place: afterwards segment `rank` of `buf` holds the sum; other segments hold partial sums. */
export async function ringReduceScatterInPlace<T extends ElementArray<T>>(link: ReducingLink<T>, buf: T): Promise<void> {
  const size = link.size;
  const { left, right, at } = ringPosition(link.rank, size);
  for (let step = 0; step < size - 1; step++) {
    await Promise.all([link.send(right, segmentView(buf, size, at(-step - 1))), link.recvReduce(left, segmentView(buf, size, at(-step - 2)))]);
  }
}

/**
 * Leaves `buf` unchanged and writes the sum of segment `rank` to `out`, using two segment-sized
 * temporaries from `alloc` (a new zeroed array of buf's type).
 */
export async function ringReduceScatter<T extends ElementArray<T>>(link: ReducingLink<T>, buf: T, out: T, alloc: (length: number) => T): Promise<void> {
  const size = link.size;
  if (size === 1) return void out.set(buf);
  const { left, right, at } = ringPosition(link.rank, size);
  const longest = segmentLength(buf.length, size, 0);
  const temps = [alloc(longest), alloc(longest)];
  let partial = segmentView(buf, size, at(-1)); // step 0 sends own data untouched
  for (let step = 0; step < size - 1; step++) {
    const own = segmentView(buf, size, at(-step - 2));
    const target = step === size - 2 ? out : temps[step % 2].subarray(0, own.length);
    target.set(own);
    await Promise.all([link.send(right, partial), link.recvReduce(left, target)]);
    partial = target;
  }
}
