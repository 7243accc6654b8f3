/**
 * Synchronous data parallelism (the `ddp` strategy; Li et al., "PyTorch Distributed: Experiences
 * on Accelerating Data Parallel Training", VLDB 2020): every rank takes rank 0's parameters
 * (broadcast, as DDP does at construction), computes the gradient of its slice of every global
 * batch, and the slices' gradients are summed by bucketed all-reduces; every rank applies the same
 * step. With a `robust` section the sum is replaced by a Byzantine-robust aggregating server
 * (parallel/robust), or by DRACO's redundant groups.
 */
import { z } from 'zod';
import type { LoomConfig } from '../../config/schema.js';
import { planRobustRun } from '../robust/robust-plan.js';
import { robustGroup } from '../robust/robust-rank.js';
import type { RankContext, Strategy } from '../strategy.js';
import { runSynchronousRank } from '../sync-rank.js';
import { planBuckets } from './buckets.js';
import { CommGroup } from './comm-group.js';

const ddpOptions = z.strictObject({});
export type DdpOptions = z.infer<typeof ddpOptions>;

export const ddpStrategy: Strategy<DdpOptions> = {
  name: 'ddp',
  options: ddpOptions,
  roles: (workers) => Array.from({ length: workers }, () => 'worker'),
  check: (_options, config: LoomConfig) => {
    // A robust run's roles, rule and attack are checked here, before any worker starts.
    if (config.robust) planRobustRun(config);
  },
  run: (ctx: RankContext) =>
    runSynchronousRank(ctx, async (model, data) => {
      const { config, comm, signal, timeoutMs } = ctx;
      const dist = config.distributed;
      await comm.broadcast(model.params, 0, { timeoutMs, ...(signal ? { signal } : {}) });
      const options = {
        algorithm: dist.allreduce,
        timeoutMs,
        ...(signal ? { signal } : {}),
        ...(ctx.chargeCompute ? { chargeCompute: ctx.chargeCompute } : {}),
      };
      if (config.robust) return robustGroup(comm, config, model, data, options);
      return new CommGroup(comm, {
        ...options,
        buckets: planBuckets(model.segments, { capBytes: dist.bucketMB * 2 ** 20, firstCapBytes: dist.firstBucketMB * 2 ** 20 }),
      });
    }),
};
