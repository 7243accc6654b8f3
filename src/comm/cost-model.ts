/**
 * The alpha-beta (Hockney) model of a message: alpha seconds of latency plus beta seconds per
 * byte. `auto` all-reduce picks the algorithm with the smallest predicted time for the message
 * size, from the formulas in each algorithm's file (Thakur, Rabenseifner & Gropp 2005).
 */
import type { MessageAllReduceAlgorithm } from './options.js';
import { MESSAGE_ALL_REDUCE_ALGORITHMS } from './options.js';

export interface CostModel {
  /** Seconds per message. */
  alpha: number;
  /** Seconds per byte. */
  beta: number;
  /** 'measured' by the start-up ping-pong, 'given' by the caller, or the 'default' guess. */
  source: 'measured' | 'given' | 'default';
}

/** Loopback-TCP-like guess, used until a measurement replaces it. */
export const DEFAULT_COST_MODEL: CostModel = { alpha: 50e-6, beta: 1 / 1e9, source: 'default' };

export function predictAllReduceSeconds(algorithm: MessageAllReduceAlgorithm, size: number, bytes: number, model: CostModel): number {
  if (size <= 1) return 0;
  const { alpha, beta } = model;
  switch (algorithm) {
    case 'ring':
      return 2 * (size - 1) * alpha + ((2 * (size - 1)) / size) * bytes * beta;
    case 'halving-doubling': {
      const p = 2 ** Math.floor(Math.log2(size));
      const fold = size > p ? 2 * (alpha + bytes * beta) : 0;
      return 2 * Math.log2(p) * alpha + ((2 * (p - 1)) / p) * bytes * beta + fold;
    }
    case 'tree':
      return 2 * Math.ceil(Math.log2(size)) * (alpha + bytes * beta);
  }
}

/** The algorithm with the smallest predicted time (ties go to the earlier of ring, halving-doubling, tree). */
export function chooseAllReduceAlgorithm(size: number, bytes: number, model: CostModel): MessageAllReduceAlgorithm {
  let best: MessageAllReduceAlgorithm = MESSAGE_ALL_REDUCE_ALGORITHMS[0];
  let bestSeconds = Infinity;
  for (const algorithm of MESSAGE_ALL_REDUCE_ALGORITHMS) {
    const seconds = predictAllReduceSeconds(algorithm, size, bytes, model);
    if (seconds < bestSeconds) {
      best = algorithm;
      bestSeconds = seconds;
    }
  }
  return best;
}
