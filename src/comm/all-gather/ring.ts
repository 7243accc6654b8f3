/**
 * Ring all-gather (the second half of Patarasuk & Yuan 2009, see reduce-scatter/ring.ts): rank r
 * starts with segment r of `buf` (layout: segments.ts); in n-1 steps every rank forwards the
 * segment it received last to its right neighbour, until all hold every segment.
 */
import type { ElementArray } from '../element-types.js';
import type { Link } from '../link.js';
import { ringPosition } from '../ring-order.js';
import { segmentView } from '../segments.js';

export async function ringAllGatherInPlace<T extends ElementArray<T>>(link: Link<T>, buf: T): Promise<void> {
  const size = link.size;
  const { left, right, at } = ringPosition(link.rank, size);
  for (let step = 0; step < size - 1; step++) {
    await Promise.all([link.send(right, segmentView(buf, size, at(-step))), link.recv(left, segmentView(buf, size, at(-step - 1)))]);
  }
}
