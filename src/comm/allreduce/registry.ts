/** The message-passing all-reduce algorithms by name (an explicit table, no global registration); shared-memory.ts is called directly. */
import type { ElementArray } from '../element-types.js';
import type { ReducingLink } from '../link.js';
import type { MessageAllReduceAlgorithm } from '../options.js';
import { halvingDoublingAllReduce } from './halving-doubling.js';
import { ringAllReduce } from './ring.js';
import { treeAllReduce } from './tree.js';

/**
 * Reduces every rank's `buf` into `buf` with the link's reduction; `finish` (e.g. divide by the
 * world size for 'mean') runs once on every element of the result, on whichever rank owns it then.
 */
export type AllReduceFn = <T extends ElementArray<T>>(link: ReducingLink<T>, buf: T, finish: ((part: T) => void) | null) => Promise<void>;

export const ALL_REDUCE: Readonly<Record<MessageAllReduceAlgorithm, AllReduceFn>> = {
  ring: ringAllReduce,
  'halving-doubling': halvingDoublingAllReduce,
  tree: treeAllReduce,
};
