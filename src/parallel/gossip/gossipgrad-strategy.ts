/**
 * GossipGraD, the `gossipgrad` strategy (Daily, Vishnu, Siegel, Warfel, Amatya, "GossipGraD:
 * Scalable Deep Learning using Gossip Communication based Asynchronous Gradient Descent", 2018): no
 * all-reduce while training; each worker steps on its own share of every global batch, then
 * averages its model with exactly one partner, the partner rotating over a dissemination schedule
 * (rank XOR 2^(k mod log2 n); dissemination.ts, gossipgrad-gossip.ts), so each step costs one
 * model exchange per rank whatever n. Exact averages at evaluations and the consensus distance:
 * gossip-group.ts. It takes no options (an empty object; any key is refused).
 */
import { z } from 'zod';
import type { LoomConfig } from '../../config/schema.js';
import { workersOnly, type RankContext, type Strategy } from '../strategy.js';
import { groupOptions, runSynchronousRank, startFromRankZero } from '../sync-rank.js';
import { checkDissemination } from './dissemination.js';
import { GossipGroup } from './gossip-group.js';
import { PairwiseGossip } from './gossipgrad-gossip.js';

const gossipGradOptions = z.strictObject({});

export type GossipGradOptions = z.infer<typeof gossipGradOptions>;

export const gossipGradStrategy: Strategy<GossipGradOptions> = {
  name: 'gossipgrad',
  options: gossipGradOptions,
  roles: workersOnly,
  check: (_options: GossipGradOptions, config: LoomConfig) => {
    checkDissemination(config.distributed.workers);
  },
  run: (ctx: RankContext) =>
    runSynchronousRank(ctx, async (model) => {
      // A restart with fewer workers than the config names is checked for its own size.
      checkDissemination(ctx.comm.size);
      await startFromRankZero(ctx, model, true);
      const gossip = new PairwiseGossip(ctx.comm.rank, ctx.comm.size, model.params.length);
      // Gradients are never summed (every step is local): no buckets.
      return new GossipGroup(ctx.comm, { ...groupOptions(ctx, model), buckets: [] }, gossip, model.params.length);
    }),
};
