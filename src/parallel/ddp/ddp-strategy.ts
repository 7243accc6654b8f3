/**
 * Synchronous data parallelism (the `ddp` strategy; Li et al., "PyTorch Distributed: Experiences
 * on Accelerating Data Parallel Training", VLDB 2020): every rank takes rank 0's parameters
 * (broadcast, as DDP does at construction), computes the gradient of its slice of every global
 * batch, and the slices' gradients are summed by bucketed all-reduces; every rank applies the same
 * step. With a `robust` section the sum is replaced by a Byzantine-robust aggregating server
 * (parallel/robust), or by DRACO's redundant groups; `compression` then compresses what each
 * worker sends to that server, which decodes every vector before its rule sees it. With `overlap`
 * (virtual mode) the buckets are reduced by a communication thread while backward and the next
 * forward run (parallel/overlap).
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { LoomConfig } from '../../config/schema.js';
import type { TrainResult } from '../../train/trainer.js';
import { checkRobustCompression, planRobustRun } from '../robust/robust-plan.js';
import { robustGroup } from '../robust/robust-rank.js';
import { workersOnly, type RankContext, type Strategy } from '../strategy.js';
import { groupOptions, runSynchronousRank, startFromRankZero } from '../sync-rank.js';
import { CommGroup } from './comm-group.js';
import { CompressedGroup } from '../compression/compressed-group.js';
import { checkCompressionFor, compressionTarget } from '../compression/compression-check.js';
import { compressionSchema } from '../../compress/index.js';
import { OverlapGroup, overlapSchema } from '../overlap/overlap-group.js';
import { StepTimeline } from '../overlap/timeline.js';
import { LoomError } from '../../util/errors.js';

const ddpOptions = z.strictObject({
  /** Gradient compression (compress/): each rank's share is compressed before it is summed. */
  compression: compressionSchema.optional(),
  /** Overlap of the all-reduces with backward and the next forward, FIFO or by priority (virtual mode). */
  overlap: overlapSchema.optional(),
  /**
   * With compression: the first N steps all-reduce the dense gradient, then compression starts (the
   * warm-up PyTorch's PowerSGD hook runs by default, for any compressor).
   */
  denseSteps: z.number().int().nonnegative().default(0),
  /** Record rank 0's first N steps (compute, each unit's all-reduce) in output.dir/timeline.json; 0: none. */
  timelineSteps: z.number().int().nonnegative().default(0),
});
export type DdpOptions = z.infer<typeof ddpOptions>;

export const ddpStrategy: Strategy<DdpOptions> = {
  name: 'ddp',
  options: ddpOptions,
  robustAggregation: true,
  roles: workersOnly,
  check: (options, config: LoomConfig) => {
    // A robust run's roles, rule and attack are checked here, before any worker starts.
    if (config.robust) planRobustRun(config);
    if (options.compression) {
      if (config.robust) checkRobustCompression(options.compression, config);
      checkCompressionFor(options.compression, config);
    }
    if (options.overlap) checkOverlap(options, config);
    if (options.denseSteps > 0 && (!options.compression || config.robust)) {
      throw new LoomError(`strategy.denseSteps (${options.denseSteps}) is a warm-up before compression: it needs strategy.compression and no robust section`);
    }
    if (options.timelineSteps > 0) {
      if (!config.output.dir) throw new LoomError('strategy.timelineSteps writes output.dir/timeline.json: set output.dir');
      if (options.compression || config.robust) throw new LoomError('strategy.timelineSteps records plain or overlapped DDP, not compressed or robust steps');
    }
  },
  run: async (ctx: RankContext, ddp: DdpOptions) => {
    const timeline = timelineOf(ctx, ddp);
    try {
      return await runRank(ctx, ddp, timeline);
    } finally {
      // A run that ends before the recorded steps still leaves its timeline.
      timeline?.finish();
    }
  },
};

/** One rank's synchronous loop over the group its options give. */
function runRank(ctx: RankContext, ddp: DdpOptions, timeline: StepTimeline | null): Promise<TrainResult> {
  return runSynchronousRank(ctx, async (model, data, resumed) => {
    await startFromRankZero(ctx, model, false);
    const options = { ...groupOptions(ctx, model), timeline, layerNames: model.layers.map((l) => l.name) };
    if (ctx.config.robust) return robustGroup(ctx.comm, ctx.config, model, data, options, ddp.compression ?? null, resumed);
    if (ddp.compression) return new CompressedGroup(ctx.comm, options, ddp.compression, compressionTarget(model, ctx.config), resumed, ddp.denseSteps);
    if (ddp.overlap) return new OverlapGroup({ comm: ctx.comm, model, group: options, computeSeconds: ctx.computeSeconds!, options: ddp.overlap });
    return new CommGroup(ctx.comm, options);
  });
}

/** Overlap is simulated on virtual mode's clock, for plain DDP's sum. */
function checkOverlap(options: DdpOptions, config: LoomConfig): void {
  const mode = config.distributed.mode;
  if (mode !== 'virtual') {
    throw new LoomError(`strategy.overlap runs in distributed.mode virtual only, got ${mode}: on real transports the all-reduces would need a communication thread of their own`);
  }
  if (options.compression) throw new LoomError('strategy.overlap and strategy.compression cannot be combined yet: choose one');
  if (config.robust) throw new LoomError('strategy.overlap does not apply to a robust server: its workers send whole gradients');
  if (options.overlap?.partitionKB !== undefined && options.overlap.merge) {
    throw new LoomError(`strategy.overlap: give partitionKB (${options.overlap.partitionKB}) or merge (${options.overlap.merge}), not both`);
  }
}

/** Rank 0's timeline, when asked for. */
function timelineOf(ctx: RankContext, ddp: DdpOptions): StepTimeline | null {
  const dir = ctx.config.output.dir;
  return ddp.timelineSteps > 0 && ctx.rank === 0 && dir ? new StepTimeline(0, ddp.timelineSteps, join(dir, 'timeline.json')) : null;
}
