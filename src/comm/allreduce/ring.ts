/**
 * Ring all-reduce: reduce-scatter then all-gather around a ring.
 * P. Patarasuk, X. Yuan, "Bandwidth optimal all-reduce algorithms for clusters of workstations",
 * J. Parallel Distrib. Comput. 69(2):117-124, 2009.
 * Cost: 2(n-1) messages of m/n bytes per rank: 2(n-1)·alpha + 2·(n-1)/n·m·beta. Bandwidth-optimal;
 * latency grows linearly with n. Large messages are pipelined by the transports (chunked streams).
 */
import { ringAllGatherInPlace } from '../all-gather/ring.js';
import type { ElementArray } from '../element-types.js';
import type { ReducingLink } from '../link.js';
import { ringReduceScatterInPlace } from '../reduce-scatter/ring.js';
import { segmentView } from '../segments.js';

export async function ringAllReduce<T extends ElementArray<T>>(link: ReducingLink<T>, buf: T, finish: ((part: T) => void) | null): Promise<void> {
  if (link.size === 1) return;
  await ringReduceScatterInPlace(link, buf);
  finish?.(segmentView(buf, link.size, link.rank)); // each rank finishes (e.g. scales for 'mean') only its own segment
  await ringAllGatherInPlace(link, buf);
}
