/**
 * Asynchronous decentralized parallel SGD, the `ad-psgd` strategy (Lian, Zhang, Zhang, Liu,
 * "Asynchronous Decentralized Parallel Stochastic Gradient Descent", ICML 2018): every worker
 * steps on its own, and active (even) ranks average their model with a random passive (odd)
 * neighbour after each step, atomically for the pair. The loop: adpsgd-rank.ts.
 */
import { z } from 'zod';
import type { LoomConfig } from '../../config/schema.js';
import { LoomError } from '../../util/errors.js';
import type { RankContext, Strategy } from '../strategy.js';
import { runAdpsgdRank } from './adpsgd-rank.js';
import { BIPARTITE_TOPOLOGIES, checkBipartiteWorkers, isActive } from './bipartite.js';

const adpsgdOptions = z.strictObject({
  /** The bipartite graph between active and passive ranks: a ring (2 neighbours each, default) or complete. */
  topology: z.enum(BIPARTITE_TOPOLOGIES).optional(),
});

export type AdpsgdOptions = z.infer<typeof adpsgdOptions>;

export const adpsgdStrategy: Strategy<AdpsgdOptions> = {
  name: 'ad-psgd',
  options: adpsgdOptions,
  roles: (workers: number) => Array.from({ length: workers }, (_, rank) => (isActive(rank) ? 'active' : 'passive')),
  check: (_options: AdpsgdOptions, config: LoomConfig) => {
    checkBipartiteWorkers(config.distributed.workers);
    // No step of an asynchronous run has every rank at rest between averagings: the state is kept at the end.
    if (config.output.checkpointEvery !== undefined) {
      throw new LoomError(`config key output.checkpointEvery = ${config.output.checkpointEvery} is not supported by strategy ad-psgd: its checkpoint is written at the end of the run only`);
    }
  },
  run: (ctx: RankContext, options: AdpsgdOptions) => runAdpsgdRank(ctx, options.topology ?? 'ring'),
};
