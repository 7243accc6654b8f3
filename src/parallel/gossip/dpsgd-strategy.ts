/**
 * Decentralized parallel SGD, the `d-psgd` strategy (Lian, Zhang, Zhang, Hsieh, Zhang, Liu, "Can
 * Decentralized Algorithms Outperform Centralized Algorithms? A Case Study for Decentralized
 * Parallel Stochastic Gradient Descent", NeurIPS 2017): no all-reduce while training; each worker
 * steps on its own share of every global batch and then averages its model with its neighbours'
 * in a communication graph, weighted by a doubly stochastic mixing matrix W (adapt-then-combine;
 * see dpsgd-group.ts). W is Metropolis-Hastings over a named topology, or given.
 */
import { z } from 'zod';
import type { LoomConfig } from '../../config/schema.js';
import { workersOnly, type RankContext, type Strategy } from '../strategy.js';
import { groupOptions, runSynchronousRank, startFromRankZero } from '../sync-rank.js';
import { DpsgdGroup } from './dpsgd-group.js';
import { checkMixingMatrix, metropolisHastings, type MixingMatrix } from './mixing.js';
import { neighbours, TOPOLOGIES } from './topology.js';

/** The options that name a gossip graph, shared by the strategies that mix over a fixed one. */
export const graphFields = {
  /** The communication graph, with Metropolis-Hastings weights (default ring). */
  topology: z.enum(TOPOLOGIES).optional(),
  /** A mixing matrix W (workers x workers, doubly stochastic); its nonzero off-diagonal entries are the graph. */
  mixing: z.array(z.array(z.number().nonnegative())).optional(),
};

/** A graph is named once: by topology or by mixing matrix. */
export const oneGraph: [(o: GraphOptions) => boolean, { message: string; path: string[] }] = [
  (o) => o.topology === undefined || o.mixing === undefined,
  { message: 'give topology or mixing, not both', path: ['mixing'] },
];

const dpsgdOptions = z.strictObject(graphFields).refine(...oneGraph);

export type GraphOptions = { topology?: (typeof TOPOLOGIES)[number] | undefined; mixing?: number[][] | undefined };
export type DpsgdOptions = z.infer<typeof dpsgdOptions>;

/** The mixing matrix of a job of `workers` ranks: the given one, checked, or Metropolis-Hastings over the topology. */
export function mixingMatrix(options: GraphOptions, workers: number): MixingMatrix {
  if (options.mixing === undefined) return metropolisHastings(neighbours(options.topology ?? 'ring', workers));
  checkMixingMatrix(options.mixing, workers);
  return options.mixing;
}

export const dpsgdStrategy: Strategy<DpsgdOptions> = {
  name: 'd-psgd',
  options: dpsgdOptions,
  roles: workersOnly,
  check: (options: DpsgdOptions, config: LoomConfig) => {
    mixingMatrix(options, config.distributed.workers);
  },
  run: (ctx: RankContext, options: DpsgdOptions) =>
    runSynchronousRank(ctx, async (model) => {
      // A restart with fewer workers than the config names gets its matrix checked (or built) for its own size.
      const mixing = mixingMatrix(options, ctx.comm.size);
      await startFromRankZero(ctx, model, true);
      // Gradients are never summed (every step is local): no buckets.
      return new DpsgdGroup(ctx.comm, { ...groupOptions(ctx, model), buckets: [] }, mixing, model.params.length);
    }),
};
