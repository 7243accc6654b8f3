/**
 * Ring all-gather of parts of different sizes (MPI_Allgatherv; the ring of Patarasuk & Yuan 2009,
 * see all-gather/ring.ts): rank r's part sits at offsets[r]..offsets[r+1] of `buf`; in n-1 steps
 * every rank forwards the part it received last to its right neighbour. Empty parts are skipped
 * on both sides (every rank knows the counts). Cost: (n-1)·alpha + beta·Σ over steps of the
 * largest part in flight, at most (n-1)·max_r(part bytes); balanced parts cost what the plain
 * ring all-gather does, (n-1)·alpha + (n-1)/n·m·beta.
 */
import type { ElementArray } from '../element-types.js';
import type { Link } from '../link.js';
import { ringPosition } from '../ring-order.js';

/** `offsets` has size+1 entries: part r is buf[offsets[r], offsets[r+1]); rank's own part is already in place. */
export async function ringAllGatherVInPlace<T extends ElementArray<T>>(link: Link<T>, buf: T, offsets: readonly number[]): Promise<void> {
  const size = link.size;
  const { left, right, at } = ringPosition(link.rank, size);
  const part = (r: number): T => buf.subarray(offsets[r], offsets[r + 1]);
  for (let step = 0; step < size - 1; step++) {
    const outgoing = part(at(-step));
    const incoming = part(at(-step - 1));
    await Promise.all([outgoing.length > 0 ? link.send(right, outgoing) : null, incoming.length > 0 ? link.recv(left, incoming) : null]);
  }
}
