/**
 * Binomial-tree broadcast: the root's data reaches all ranks in ceil(log2 n) rounds; each rank
 * receives once from its parent, then forwards to its children (largest subtree first).
 * Cost: ceil(log2 n)·(alpha + m·beta). (MPICH's short-message broadcast; Thakur et al. 2005.)
 */
import type { ElementArray } from '../element-types.js';
import type { Link } from '../link.js';

export async function binomialBroadcast<T extends ElementArray<T>>(link: Link<T>, buf: T, root: number): Promise<void> {
  const { rank, size } = link;
  const relative = (rank - root + size) % size;
  const real = (v: number): number => (v + root) % size;
  let mask = 1;
  while (mask < size) {
    if ((relative & mask) !== 0) {
      await link.recv(real(relative - mask), buf);
      break;
    }
    mask <<= 1;
  }
  const sends: Promise<void>[] = [];
  for (mask >>= 1; mask > 0; mask >>= 1) {
    if (relative + mask < size) sends.push(link.send(real(relative + mask), buf));
  }
  await Promise.all(sends);
}
