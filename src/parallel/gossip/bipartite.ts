/**
 * The bipartite communication graphs of AD-PSGD: even ranks are active (they start every
 * averaging), odd ranks passive (they only answer), so that two averagings never wait on each
 * other in a cycle (Lian et al. 2018, section 4: deadlock avoidance).
 */
import { LoomError } from '../../util/errors.js';

export const BIPARTITE_TOPOLOGIES = ['ring', 'complete'] as const;
export type BipartiteTopology = (typeof BIPARTITE_TOPOLOGIES)[number];

export function isActive(rank: number): boolean {
  return rank % 2 === 0;
}

/** Checks that `workers` ranks split into active and passive halves. */
export function checkBipartiteWorkers(workers: number): void {
  if (workers < 2 || workers % 2 !== 0) {
    throw new LoomError(`config key distributed.workers = ${workers} is invalid for strategy ad-psgd: it needs an even number of workers (active even ranks, passive odd ranks), at least 2`);
  }
}

/** The ranks `rank` averages with: its ring neighbours (the other side by construction) or the whole other side. */
export function bipartiteNeighbours(topology: BipartiteTopology, rank: number, workers: number): number[] {
  checkBipartiteWorkers(workers);
  if (topology === 'complete') return Array.from({ length: workers / 2 }, (_, i) => 2 * i + (isActive(rank) ? 1 : 0));
  return [...new Set([(rank + workers - 1) % workers, (rank + 1) % workers])].sort((a, b) => a - b);
}
