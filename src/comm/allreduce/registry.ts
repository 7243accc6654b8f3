/** The all-reduce algorithms by name (an explicit table, no global registration). */
import type { Link } from '../link.js';
import type { AllReduceAlgorithm, ReduceOp } from '../options.js';
import { halvingDoublingAllReduce } from './halving-doubling.js';
import { ringAllReduce } from './ring.js';
import { treeAllReduce } from './tree.js';

export type AllReduceFn = (link: Link, buf: Float32Array, op: ReduceOp) => Promise<void>;

export const ALL_REDUCE: Readonly<Record<AllReduceAlgorithm, AllReduceFn>> = {
  ring: ringAllReduce,
  'halving-doubling': halvingDoublingAllReduce,
  tree: treeAllReduce,
};
