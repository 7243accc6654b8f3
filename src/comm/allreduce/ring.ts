/**
 * Ring all-reduce: reduce-scatter then all-gather around a ring.
 * P. Patarasuk, X. Yuan, "Bandwidth optimal all-reduce algorithms for clusters of workstations",
 * J. Parallel Distrib. Comput. 69(2):117-124, 2009.
 * Cost: 2(n-1) messages of m/n bytes per rank: 2(n-1)·alpha + 2·(n-1)/n·m·beta. Bandwidth-optimal;
 * latency grows linearly with n. Large messages are pipelined by the transports (chunked streams).
 */
import { ringAllGatherInPlace } from '../all-gather/ring.js';
import { divideBy } from '../kernels/float-kernels.js';
import type { Link } from '../link.js';
import type { ReduceOp } from '../options.js';
import { ringReduceScatterInPlace } from '../reduce-scatter/ring.js';
import { segmentView } from '../segments.js';

export async function ringAllReduce(link: Link, buf: Float32Array, op: ReduceOp): Promise<void> {
  if (link.size === 1) return;
  await ringReduceScatterInPlace(link, buf);
  if (op === 'mean') divideBy(segmentView(buf, link.size, link.rank), link.size); // each rank scales only its own segment
  await ringAllGatherInPlace(link, buf);
}
