/**
 * The consensus distance of decentralized training, (1/n) sum_i ||x_i - mean x||^2: how far the
 * ranks' models are from their average (Kong et al., "Consensus Control for Decentralized Deep
 * Learning", ICML 2021, track it as the quantity that decides whether gossip matches all-reduce).
 */
import type { Communicator } from '../comm/index.js';

/** ||a - b||^2, accumulated in float64. */
export function squaredDistance(a: Float32Array, b: Float32Array): number {
  let squared = 0;
  for (let e = 0; e < a.length; e++) squared += (a[e]! - b[e]!) ** 2;
  return squared;
}

/** The group's consensus distance, from this rank's `params` and the group's exact `mean` (a collective: every rank calls it). */
export async function consensusDistance(comm: Communicator, params: Float32Array, mean: Float32Array, limits: { timeoutMs?: number; signal?: AbortSignal }): Promise<number> {
  const sum = new Float64Array([squaredDistance(params, mean)]);
  await comm.allReduce(sum, { op: 'sum', ...limits });
  return sum[0]! / comm.size;
}
