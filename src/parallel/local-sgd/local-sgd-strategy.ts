/**
 * Local SGD and post-local SGD (Lin, Stich, Patel, Jaggi, "Don't Use Large Mini-Batches, Use Local
 * SGD", ICLR 2020): each worker takes H local steps on its own share of every global batch, then
 * the workers' models are averaged; post-local SGD trains synchronously (DDP) up to a switch step
 * and locally after it. Hierarchical local SGD (same paper) averages within each node every H
 * steps and over all nodes every `globalPeriod` steps. With H = 1 and SGD, local SGD is DDP.
 * `slowMomentum` adds SlowMo's outer momentum step after every average over all ranks.
 * `compression` sends each rank's model delta since the last average through a compressor
 * (Qsparse-local-SGD; compressed-average.ts).
 */
import { z } from 'zod';
import type { LoomConfig } from '../../config/schema.js';
import { LoomError } from '../../util/errors.js';
import { workersOnly, type RankContext, type Strategy } from '../strategy.js';
import { groupOptions, runSynchronousRank, startFromRankZero } from '../sync-rank.js';
import { checkSumEstimate, compressionSchema } from '../../compress/index.js';
import { checkCompressionFor, compressionTarget } from '../compression/compression-check.js';
import { LocalSgdGroup } from './local-sgd-group.js';

const positiveInt = z.number().int().positive();

const localSgdOptions = z
  .strictObject({
    /** Local steps between model averages (H). */
    period: positiveInt.default(8),
    /** Train synchronously (DDP) for this many steps first (post-local SGD); 0: local from the start. */
    switchStep: z.number().int().nonnegative().default(0),
    /** Hierarchical: ranks per node (consecutive ranks), averaged among themselves every `period` steps. */
    nodeSize: positiveInt.optional(),
    /** Hierarchical: average over all ranks every this many local steps (a multiple of period). */
    globalPeriod: positiveInt.optional(),
    /** SlowMo (Wang et al., ICLR 2020): beta the slow momentum, alpha the slow learning rate. */
    slowMomentum: z.strictObject({ beta: z.number().min(0).lt(1), alpha: z.number().positive().default(1) }).optional(),
    /** Compress the model deltas of the scheduled averages over all ranks (compress/). */
    compression: compressionSchema.optional(),
  })
  .refine((o) => o.globalPeriod === undefined || o.nodeSize !== undefined, { message: 'globalPeriod needs nodeSize (hierarchical local SGD)', path: ['globalPeriod'] })
  .refine((o) => o.globalPeriod === undefined || o.globalPeriod % o.period === 0, { message: 'globalPeriod must be a multiple of period', path: ['globalPeriod'] });

export type LocalSgdOptions = z.infer<typeof localSgdOptions>;

export const localSgdStrategy: Strategy<LocalSgdOptions> = {
  name: 'local-sgd',
  options: localSgdOptions,
  roles: workersOnly,
  check: (options: LocalSgdOptions, config: LoomConfig) => {
    const workers = config.distributed.workers;
    if (options.nodeSize !== undefined && workers % options.nodeSize !== 0) {
      throw new LoomError(`strategy.nodeSize = ${options.nodeSize} must divide distributed.workers = ${workers}`);
    }
    if (options.compression) {
      checkSumEstimate(options.compression, "local SGD's model deltas");
      checkCompressionFor(options.compression, config);
    }
  },
  run: (ctx: RankContext, options: LocalSgdOptions) =>
    runSynchronousRank(ctx, async (model, _data, resumed) => {
      await startFromRankZero(ctx, model, true);
      const compression = options.compression ? { spec: options.compression, target: compressionTarget(model, ctx.config) } : null;
      return new LocalSgdGroup(ctx.comm, groupOptions(ctx, model), options, model.params, resumed?.strategy ?? null, compression);
    }),
};
