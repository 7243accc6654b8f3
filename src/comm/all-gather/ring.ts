/**
 * Ring all-gather (the second half of Patarasuk & Yuan 2009, see reduce-scatter/ring.ts): rank r
 * starts with segment r of `buf` (layout: segments.ts); in n-1 steps every rank forwards the
 * segment it received last to its right neighbour, until all hold every segment.
 */
import type { Link } from '../link.js';
import { segmentView } from '../segments.js';

const mod = (a: number, n: number): number => ((a % n) + n) % n;

export async function ringAllGatherInPlace(link: Link, buf: Float32Array): Promise<void> {
  const { rank, size } = link;
  const right = (rank + 1) % size;
  const left = mod(rank - 1, size);
  for (let step = 0; step < size - 1; step++) {
    const sendSegment = mod(rank - step, size);
    const recvSegment = mod(rank - step - 1, size);
    await Promise.all([link.send(right, segmentView(buf, size, sendSegment)), link.recv(left, segmentView(buf, size, recvSegment))]);
  }
}
