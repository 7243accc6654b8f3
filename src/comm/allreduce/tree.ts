/**
 * Tree all-reduce: binomial-tree reduce to rank 0, then binomial-tree broadcast from it.
 * R. Thakur, R. Rabenseifner, W. Gropp, "Optimization of collective communication operations in
 * MPICH", IJHPCA 19(1), 2005. Cost: 2·ceil(log2 n)·(alpha + m·beta): few messages, so it suits
 * small vectors; every round moves the whole vector, so large vectors prefer ring/halving-doubling.
 */
import { binomialBroadcast } from '../broadcast/binomial-tree.js';
import type { ElementArray } from '../element-types.js';
import type { ReducingLink } from '../link.js';
import { binomialReduce } from '../reduce/binomial-tree.js';

export async function treeAllReduce<T extends ElementArray<T>>(link: ReducingLink<T>, buf: T, finish: ((part: T) => void) | null): Promise<void> {
  if (link.size === 1) return;
  await binomialReduce(link, buf, 0, false);
  if (link.rank === 0) finish?.(buf);
  await binomialBroadcast(link, buf, 0);
}
