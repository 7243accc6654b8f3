/**
 * Mixing matrices for gossip averaging: x_i <- sum_j W_ij x_j. Metropolis-Hastings weights over an
 * undirected graph (Xiao, Boyd, Lall, "A Scheme for Robust Distributed Sensor Fusion Based on
 * Average Consensus", IPSN 2005) are symmetric and doubly stochastic for any graph, so gossip keeps
 * the ranks' mean; a matrix given by the user must be doubly stochastic for the same reason, and
 * its nonzero off-diagonal entries are its graph.
 */
import { LoomError } from '../../util/errors.js';

export type MixingMatrix = readonly (readonly number[])[];

/** Tolerance on a row's or column's sum. */
const SUM_TOLERANCE = 1e-6;

/** W_ij = 1 / (1 + max(d_i, d_j)) on the edges, W_ii = 1 - the row's other entries, 0 elsewhere. */
export function metropolisHastings(neighbours: readonly (readonly number[])[]): number[][] {
  const n = neighbours.length;
  return neighbours.map((mine, i) => {
    const row = new Array<number>(n).fill(0);
    let others = 0;
    for (const j of mine) {
      row[j] = 1 / (1 + Math.max(mine.length, neighbours[j]!.length));
      others += row[j]!;
    }
    row[i] = 1 - others;
    return row;
  });
}

/**
 * Refuses, in one line naming strategy.mixing, a matrix that is not n x n, has a negative or
 * non-finite entry, or has a row or column (checked in that order) not summing to 1.
 */
export function checkMixingMatrix(w: MixingMatrix, n: number): void {
  const ragged = w.findIndex((row) => row.length !== w.length);
  if (ragged >= 0) throw new LoomError(`strategy.mixing must be square: it has ${w.length} rows, but row ${ragged} has ${w[ragged]!.length} entries`);
  if (w.length !== n) throw new LoomError(`strategy.mixing is ${w.length} x ${w.length}, but distributed.workers = ${n} needs ${n} x ${n}`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const value = w[i]![j]!;
      if (!Number.isFinite(value) || value < 0) throw new LoomError(`strategy.mixing[${i}][${j}] = ${value}: a mixing matrix's entries must be finite and >= 0`);
    }
  }
  const sums = (of: (i: number, j: number) => number): number[] => Array.from({ length: n }, (_, i) => w.reduce((sum, _row, j) => sum + of(i, j), 0));
  for (const [what, values] of [
    ['row', sums((i, j) => w[i]![j]!)],
    ['column', sums((i, j) => w[j]![i]!)],
  ] as const) {
    const bad = values.findIndex((sum) => Math.abs(sum - 1) > SUM_TOLERANCE);
    if (bad >= 0) throw new LoomError(`strategy.mixing: ${what} ${bad} sums to ${Number(values[bad]!.toPrecision(10))}, not 1 (a mixing matrix must be doubly stochastic)`);
  }
}

/** The ranks whose models rank `rank` mixes in (W_rank,j > 0), and those that mix in its own (W_k,rank > 0), ascending. */
export function peersOf(w: MixingMatrix, rank: number): { from: number[]; to: number[] } {
  const others = w.map((_, j) => j).filter((j) => j !== rank);
  return { from: others.filter((j) => w[rank]![j]! > 0), to: others.filter((k) => w[k]![rank]! > 0) };
}
