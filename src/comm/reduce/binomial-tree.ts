/**
 * Binomial-tree reduce to a root: in round k, ranks whose relative rank has bit k set send their
 * partial result to the rank 2^k below and drop out. ceil(log2 n) rounds of full-vector messages:
 * ceil(log2 n)·(alpha + m·beta). Children are received one after another in a fixed order, so the
 * floating-point reduction order is the same in every run. (MPICH's reduce; Thakur et al. 2005.)
 */
import type { ElementArray } from '../element-types.js';
import type { ReducingLink } from '../link.js';

/**
 * `preserve`: leave `buf` unchanged on non-root ranks (an interior rank sums into a temporary);
 * otherwise non-root buffers are used as scratch and hold partial sums afterwards.
 */
export async function binomialReduce<T extends ElementArray<T>>(link: ReducingLink<T>, buf: T, root: number, preserve: boolean): Promise<void> {
  const { rank, size } = link;
  const relative = (rank - root + size) % size;
  const real = (v: number): number => (v + root) % size;
  const hasChildren = relative + 1 < size && (relative & 1) === 0;
  const acc = preserve && relative !== 0 && hasChildren ? buf.slice() : buf;
  for (let mask = 1; mask < size; mask <<= 1) {
    if ((relative & mask) !== 0) {
      await link.send(real(relative - mask), acc);
      return;
    }
    if (relative + mask < size) await link.recvReduce(real(relative + mask), acc);
  }
}
