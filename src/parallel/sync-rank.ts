/**
 * One rank of a strategy of the synchronous family: build the run (data, model, optimizer, step
 * primitives) with the group the strategy's reducer gives, and drive the synchronous loop
 * (train/trainer.ts) to its end. DDP runs it with a bucketed all-reduce, robust aggregation with a
 * robust server.
 */
import type { DatasetSplit } from '../data/index.js';
import type { RankState } from '../train/checkpoint.js';
import type { Model } from '../nn/model.js';
import { prepareRun, type PrepareOptions, type PreparedRun } from '../train/run.js';
import type { TrainResult } from '../train/trainer.js';
import type { WorkerGroup } from '../train/worker-group.js';
import type { RankContext } from './strategy.js';
import { planBuckets } from './ddp/buckets.js';
import type { CommGroupOptions } from './ddp/comm-group.js';

/**
 * The options every synchronous group of this rank takes: the all-reduce algorithm, the timeout
 * and cancellation of the job, virtual mode's compute charge, and the configured gradient buckets.
 */
export function groupOptions(ctx: RankContext, model: Model): CommGroupOptions {
  const dist = ctx.config.distributed;
  return {
    algorithm: dist.allreduce,
    timeoutMs: ctx.timeoutMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.chargeCompute ? { chargeCompute: ctx.chargeCompute } : {}),
    buckets: planBuckets(model.segments, { capBytes: dist.bucketMB * 2 ** 20, firstCapBytes: dist.firstBucketMB * 2 ** 20 }),
  };
}

/** Every rank starts from rank 0's parameters (as DDP does at construction), unless resumed: then each may hold its own. */
export async function startFromRankZero(ctx: RankContext, model: Model, unlessResumed: boolean): Promise<void> {
  if (unlessResumed && ctx.resume) return;
  await ctx.comm.broadcast(model.params, 0, { timeoutMs: ctx.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) });
}

/** The group of one rank, built once its model holds its starting parameters. */
export type GroupFactory = (model: Model, data: DatasetSplit, resumed: RankState | null) => WorkerGroup | Promise<WorkerGroup>;

/**
 * The run of one rank (data, model, optimizer, step primitives) from what its launcher gave it:
 * the checkpoint to resume, the shared data, where checkpoints go; no metrics file of its own.
 */
export function prepareRankRun(ctx: RankContext, options: Omit<PrepareOptions, 'resume' | 'data' | 'writeCheckpoint' | 'metricsFile'> = {}): Promise<PreparedRun> {
  return prepareRun(ctx.config, {
    ...(ctx.resume ? { resume: ctx.resume } : {}),
    ...(ctx.data ? { data: ctx.data } : {}),
    ...(ctx.writeCheckpoint ? { writeCheckpoint: ctx.writeCheckpoint } : {}),
    metricsFile: false,
    ...options,
  });
}

export async function runSynchronousRank(ctx: RankContext, group: GroupFactory): Promise<TrainResult> {
  const run = await prepareRankRun(ctx, { rank: { index: ctx.rank, size: ctx.size }, group });
  try {
    ctx.onStart?.(() => run.trainer.stop());
    if (ctx.report) run.metrics.on('record', ctx.report);
    return await run.trainer.run();
  } finally {
    run.model.dispose();
  }
}
