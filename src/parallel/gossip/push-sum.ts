/**
 * Push-sum over the time-varying directed exponential graph of Stochastic Gradient Push (Assran,
 * Loizou, Ballas, Rabbat, "Stochastic Gradient Push for Distributed Deep Learning", ICML 2019):
 * the schedule and the arithmetic, as pure functions over typed arrays, shared by a rank's exchange
 * (sgp-gossip.ts) and the tests.
 *
 * A rank's push-sum vector is y = [x, w] (numerator and weight, mixed alike). At exchange k (the
 * k-th optimizer step, from 0) rank i pushes to the p peers i + 2^((k p + j) mod L), j < p, where
 * L = ceil(log2 n): one share y / (p + 1) to each, keeps the rest, and adds what its p senders
 * i - 2^(...) pushed. For n not a power of two every offset 2^e, e < L, is still below n, so no
 * offset is skipped; each offset is a permutation of the ranks, so every rank has p senders and p
 * receivers, and the mixing matrix of a step is column stochastic (push-sum's requirement) and row
 * stochastic too: from w = 1 the weights stay exactly 1 (the kept part is y - p * share, so a rank's
 * p shares and what it keeps add up to y exactly, and p + 1 equal terms come back to 1).
 */
import { LoomError } from '../../util/errors.js';

/** L = ceil(log2 n): how many distinct exponential-graph offsets 2^e (e < L) a job of n ranks has; 0 for one rank. */
export function exponentialPeriod(n: number): number {
  let period = 0;
  while (2 ** period < n) period++;
  return period;
}

/** Refuses, in one line, more peers per step than the exponential graph of `n` ranks has distinct offsets. */
export function checkPeersPerStep(peersPerStep: number, n: number): void {
  const period = exponentialPeriod(n);
  if (n > 1 && peersPerStep > period) {
    throw new LoomError(`strategy.peersPerStep = ${peersPerStep} is more than the ${period} distinct peers of the exponential graph of ${n} workers (ceil(log2 ${n}))`);
  }
}

/** The ranks `rank` pushes to and those that push to it at exchange `k`, in offset order. */
export function pushPeers(rank: number, n: number, k: number, peersPerStep: number): { to: number[]; from: number[] } {
  const period = exponentialPeriod(n);
  const offsets = period === 0 ? [] : Array.from({ length: Math.min(peersPerStep, period) }, (_, j) => 2 ** ((k * peersPerStep + j) % period));
  return { to: offsets.map((o) => (rank + o) % n), from: offsets.map((o) => (rank - o + n) % n) };
}

/** The share a rank pushes to each of its `peers` peers: y / (peers + 1). */
export function pushShare(share: Float32Array, y: Float32Array, peers: number): void {
  const fraction = 1 / (peers + 1);
  for (let e = 0; e < y.length; e++) share[e] = fraction * y[e]!;
}

/** y <- (y - peers * share) + the shares received, in that order, summed in float64 and rounded once. */
export function keepAndAdd(y: Float32Array, share: Float32Array, peers: number, received: readonly Float32Array[]): void {
  for (let e = 0; e < y.length; e++) {
    let sum = y[e]! - peers * share[e]!;
    for (const r of received) sum += r[e]!;
    y[e] = sum;
  }
}

/** One push-sum exchange of every rank at once (rank order): the new y of each, computed as each rank computes its own. */
export function pushSumRound(ys: readonly Float32Array[], k: number, peersPerStep: number): Float32Array[] {
  const n = ys.length;
  const peers = ys.map((_, i) => pushPeers(i, n, k, peersPerStep));
  const shares = ys.map((y, i) => {
    const share = new Float32Array(y.length);
    pushShare(share, y, peers[i]!.to.length);
    return share;
  });
  return ys.map((y, i) => {
    const next = Float32Array.from(y);
    keepAndAdd(next, shares[i]!, peers[i]!.to.length, peers[i]!.from.map((j) => shares[j]!));
    return next;
  });
}
