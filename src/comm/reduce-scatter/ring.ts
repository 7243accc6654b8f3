/**
 * Ring reduce-scatter (the first half of Patarasuk & Yuan's bandwidth-optimal all-reduce:
 * P. Patarasuk, X. Yuan, "Bandwidth optimal all-reduce algorithms for clusters of workstations",
 * J. Parallel Distrib. Comput. 69(2), 2009). In n-1 steps each rank passes a partial sum of one
 * segment to its right neighbour and adds the one arriving from its left; afterwards rank r holds
 * the full sum of segment r (layout: segments.ts). Each rank sends and receives (n-1)/n of the data.
 */
import type { Link } from '../link.js';
import { segmentLength, segmentView } from '../segments.js';

const mod = (a: number, n: number): number => ((a % n) + n) % n;

/** In place: afterwards segment `rank` of `buf` holds the sum; other segments hold partial sums. */
export async function ringReduceScatterInPlace(link: Link, buf: Float32Array): Promise<void> {
  const { rank, size } = link;
  const right = (rank + 1) % size;
  const left = mod(rank - 1, size);
  for (let step = 0; step < size - 1; step++) {
    const sendSegment = mod(rank - step - 1, size);
    const recvSegment = mod(rank - step - 2, size);
    await Promise.all([link.send(right, segmentView(buf, size, sendSegment)), link.recvAdd(left, segmentView(buf, size, recvSegment))]);
  }
}

/** Leaves `buf` unchanged and writes the sum of segment `rank` to `out` (two segment-sized temporaries). */
export async function ringReduceScatter(link: Link, buf: Float32Array, out: Float32Array): Promise<void> {
  const { rank, size } = link;
  if (size === 1) return void out.set(buf);
  const right = (rank + 1) % size;
  const left = mod(rank - 1, size);
  const longest = segmentLength(buf.length, size, 0);
  const temps = [new Float32Array(longest), new Float32Array(longest)];
  let partial = segmentView(buf, size, mod(rank - 1, size)); // step 0 sends own data untouched
  for (let step = 0; step < size - 1; step++) {
    const recvSegment = mod(rank - step - 2, size);
    const own = segmentView(buf, size, recvSegment);
    const target = step === size - 2 ? out : temps[step % 2].subarray(0, own.length);
    target.set(own);
    await Promise.all([link.send(right, partial), link.recvAdd(left, target)]);
    partial = target;
  }
}
