/**
 * The partner schedule of GossipGraD (Daily, Vishnu, Siegel, Warfel, Amatya, "GossipGraD: Scalable
 * Deep Learning using Gossip Communication based Asynchronous Gradient Descent", 2018): a
 * dissemination (hypercube) rotation. At exchange k (the k-th optimizer step, from 0) rank i pairs
 * with i XOR 2^(k mod log2 n): every rank has exactly one partner, the relation is symmetric, and
 * over log2 n steps each rank meets one partner along every dimension, so a model's information
 * reaches every rank in log2 n steps (with nothing else changing, log2 n pairwise averages give
 * every rank the exact mean). Defined for n a power of two; other n are refused.
 */
import { LoomError } from '../../util/errors.js';

/** Refuses, in one line, a number of workers that is not a power of two. */
export function checkDissemination(n: number): void {
  if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) {
    throw new LoomError(`strategy gossipgrad pairs rank i with i XOR 2^k, so it needs a power-of-two number of workers, but distributed.workers = ${n}`);
  }
}

/** The partner of `rank` at exchange `k` in a job of `n` ranks (n a power of two; itself when n = 1). */
export function partnerOf(rank: number, n: number, k: number): number {
  const dimensions = Math.log2(n);
  return dimensions === 0 ? rank : rank ^ (1 << (k % dimensions));
}
