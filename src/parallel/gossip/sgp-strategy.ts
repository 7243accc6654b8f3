/**
 * Stochastic Gradient Push, the `sgp` strategy (Assran, Loizou, Ballas, Rabbat, "Stochastic
 * Gradient Push for Distributed Deep Learning", ICML 2019): no all-reduce while training; each
 * worker steps on its own share of every global batch, then runs one push-sum exchange over a
 * time-varying directed exponential graph (each rank pushes to `peersPerStep` peers, default 1: the
 * paper's 1-peer graph). The schedule and arithmetic: push-sum.ts; the mapping onto the loop:
 * sgp-gossip.ts; exact averages at evaluations and the consensus distance: gossip-group.ts.
 */
import { z } from 'zod';
import type { LoomConfig } from '../../config/schema.js';
import { workersOnly, type RankContext, type Strategy } from '../strategy.js';
import { groupOptions, runSynchronousRank, startFromRankZero } from '../sync-rank.js';
import { GossipGroup } from './gossip-group.js';
import { checkPeersPerStep } from './push-sum.js';
import { PushSumGossip } from './sgp-gossip.js';

const sgpOptions = z.strictObject({
  /** Peers each rank pushes to per step (default 1); at most ceil(log2 workers), the graph's distinct offsets. */
  peersPerStep: z.number().int().positive().optional(),
});

export type SgpOptions = z.infer<typeof sgpOptions>;

export const sgpStrategy: Strategy<SgpOptions> = {
  name: 'sgp',
  options: sgpOptions,
  roles: workersOnly,
  check: (options: SgpOptions, config: LoomConfig) => {
    checkPeersPerStep(options.peersPerStep ?? 1, config.distributed.workers);
  },
  run: (ctx: RankContext, options: SgpOptions) =>
    runSynchronousRank(ctx, async (model) => {
      const peersPerStep = options.peersPerStep ?? 1;
      // A restart with fewer workers than the config names is checked for its own size.
      checkPeersPerStep(peersPerStep, ctx.comm.size);
      await startFromRankZero(ctx, model, true);
      const gossip = new PushSumGossip(ctx.comm.rank, ctx.comm.size, model.params.length, peersPerStep);
      // Gradients are never summed (every step is local): no buckets.
      return new GossipGroup(ctx.comm, { ...groupOptions(ctx, model), buckets: [] }, gossip, model.params.length);
    }),
};
