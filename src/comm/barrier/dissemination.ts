/**
 * Dissemination barrier: in round k every rank signals rank + 2^k and waits for rank - 2^k
 * (mod n); after ceil(log2 n) rounds every rank has heard, transitively, from all others.
 * D. Hensgen, R. Finkel, U. Manber, "Two algorithms for barrier synchronization",
 * Int. J. Parallel Programming 17(1):1-17, 1988.
 */
import type { Link } from '../link.js';

const EMPTY = new Float32Array(0);

export async function disseminationBarrier(link: Link): Promise<void> {
  const { rank, size } = link;
  for (let distance = 1; distance < size; distance <<= 1) {
    await Promise.all([link.send((rank + distance) % size, EMPTY), link.recv((rank - distance + size) % size, EMPTY)]);
  }
}
