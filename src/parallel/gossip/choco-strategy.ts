/**
 * CHOCO-SGD, the `choco-sgd` strategy (Koloskova, Stich, Jaggi, "Decentralized Stochastic
 * Optimization and Gossip Algorithms with Compressed Communication", ICML 2019): decentralized SGD
 * whose gossip sends only compressed differences between each model and its public copy
 * (choco-gossip.ts), over a fixed graph with Metropolis-Hastings or given weights, as D-PSGD.
 * Exact averages at evaluations and the consensus distance: gossip-group.ts.
 *
 *   strategy: { type: choco-sgd, topology: ring, consensusStepSize: 0.1, compression: { type: topk, ratio: 0.01 } }
 */
import { z } from 'zod';
import type { LoomConfig } from '../../config/schema.js';
import { checkPlainCompressor, compressionSchema, createCompressor } from '../../compress/index.js';
import { LoomError } from '../../util/errors.js';
import { checkCompressionFor, compressionTarget } from '../compression/compression-check.js';
import { workersOnly, type RankContext, type Strategy } from '../strategy.js';
import { groupOptions, runSynchronousRank, startFromRankZero } from '../sync-rank.js';
import { ChocoGossip } from './choco-gossip.js';
import { graphFields, mixingMatrix, oneGraph } from './dpsgd-strategy.js';
import { GossipGroup } from './gossip-group.js';

const chocoOptions = z
  .strictObject({
    ...graphFields,
    /**
     * gamma in (0, 1]: how far each step moves a model towards its neighbours' public copies. Too
     * large for the compression and the models drift apart while their average still trains (the
     * consensus distance grows: on 4 workers, top-k 5% at 0.5 reached 1,157 where 0.2 stays at
     * 4e-4); the stable range shrinks with the fraction the compressor keeps.
     */
    consensusStepSize: z.number().gt(0, 'expected a step size in (0, 1]').max(1, 'expected a step size in (0, 1]').default(0.1),
    /** The compressor of the differences (a plain one: CHOCO's public copies keep its error). */
    compression: compressionSchema,
  })
  .refine(...oneGraph);

export type ChocoOptions = z.infer<typeof chocoOptions>;

const USER = 'choco-sgd (its public copies already keep the compression error)';

export const chocoStrategy: Strategy<ChocoOptions> = {
  name: 'choco-sgd',
  options: chocoOptions,
  roles: workersOnly,
  check: (options: ChocoOptions, config: LoomConfig) => {
    mixingMatrix(options, config.distributed.workers);
    checkPlainCompressor(options.compression, USER);
    checkCompressionFor(options.compression, config);
  },
  run: (ctx: RankContext, options: ChocoOptions) =>
    runSynchronousRank(ctx, async (model, _data, resumed) => {
      const mixing = mixingMatrix(options, ctx.comm.size);
      await startFromRankZero(ctx, model, true);
      const compressor = createCompressor(options.compression, { ...compressionTarget(model, ctx.config), rank: ctx.comm.rank, size: ctx.comm.size });
      if (compressor.aggregation === 'rounds') throw new LoomError(`compression ${options.compression.type} cannot run under ${USER}`);
      const gossip = new ChocoGossip(mixing, ctx.comm.rank, compressor, options.consensusStepSize, model.params, resumed?.strategy ?? null);
      // Gradients are never summed (every step is local): no buckets.
      return new GossipGroup(ctx.comm, { ...groupOptions(ctx, model), buckets: [] }, gossip, model.params.length);
    }),
};
