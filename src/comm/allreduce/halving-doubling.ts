/**
 * Recursive halving-doubling all-reduce (Rabenseifner's algorithm): reduce-scatter by recursive
 * halving, then all-gather by recursive doubling.
 * R. Thakur, R. Rabenseifner, W. Gropp, "Optimization of collective communication operations in
 * MPICH", Int. J. High Perform. Comput. Appl. 19(1):49-66, 2005 (section 4.4).
 * Cost for a power of two p: 2·log2(p)·alpha + 2·(p-1)/p·m·beta.
 * Other world sizes use the standard fold: with p the largest power of two <= n and r = n - p,
 * each of the first r even ranks hands its whole vector to the odd rank above it and sits out;
 * the p remaining ranks run the algorithm; the result goes back to the r ranks that sat out
 * (two extra full-vector messages on the critical path).
 * Blocks: the vector is split into p blocks with the layout of segments.ts, so any length works.
 */
import type { ElementArray } from '../element-types.js';
import type { ReducingLink } from '../link.js';
import { segmentView } from '../segments.js';

export async function halvingDoublingAllReduce<T extends ElementArray<T>>(link: ReducingLink<T>, buf: T, finish: ((part: T) => void) | null): Promise<void> {
  const { rank, size } = link;
  if (size === 1) return;
  const p = 2 ** Math.floor(Math.log2(size));
  const extra = size - p;

  // Fold: ranks 0, 2, .., 2(extra-1) give their data to the rank above and wait for the result.
  if (rank < 2 * extra && rank % 2 === 0) {
    await link.send(rank + 1, buf);
    await link.recv(rank + 1, buf);
    return;
  }
  if (rank < 2 * extra) await link.recvReduce(rank - 1, buf);
  const virtualRank = rank < 2 * extra ? rank >> 1 : rank - extra;
  const realRank = (v: number): number => (v < extra ? 2 * v + 1 : v + extra);
  const blocks = (first: number, end: number): T => segmentView(buf, p, first, end);

  // Reduce-scatter by recursive halving: keep the half of the block range that holds our block.
  let lo = 0;
  let hi = p;
  for (let distance = p >> 1; distance >= 1; distance >>= 1) {
    const partner = realRank(virtualRank ^ distance);
    const mid = (lo + hi) >> 1;
    const keepLow = (virtualRank & distance) === 0;
    const [keepLo, keepHi, sendLo, sendHi] = keepLow ? [lo, mid, mid, hi] : [mid, hi, lo, mid];
    await Promise.all([link.send(partner, blocks(sendLo, sendHi)), link.recvReduce(partner, blocks(keepLo, keepHi))]);
    lo = keepLo;
    hi = keepHi;
  }
  finish?.(blocks(lo, hi));

  // All-gather by recursive doubling: exchange the owned range with the partner's adjacent range.
  for (let distance = 1; distance < p; distance <<= 1) {
    const partner = realRank(virtualRank ^ distance);
    const width = hi - lo;
    const [theirLo, theirHi] = (virtualRank & distance) === 0 ? [hi, hi + width] : [lo - width, lo];
    await Promise.all([link.send(partner, blocks(lo, hi)), link.recv(partner, blocks(theirLo, theirHi))]);
    lo = Math.min(lo, theirLo);
    hi = Math.max(hi, theirHi);
  }

  // Unfold: give the result to the even rank that sat out.
  if (rank < 2 * extra) await link.send(rank - 1, buf);
}
