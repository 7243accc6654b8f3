/** A parameter server rank: its shard, then the loop of the configured consistency model. */
import { optimizerSpec, prepareRun } from '../../train/run.js';
import type { TrainResult } from '../../train/trainer.js';
import type { RankContext } from '../strategy.js';
import { psLayout, type PsOptions } from './layout.js';
import { serveBsp } from './server-bsp.js';
import { ServerShard } from './server-shard.js';
import { PushDecoding } from '../compression/compressed-push.js';
import { serveSsp } from './server-ssp.js';

export async function runPsServer(ctx: RankContext, options: PsOptions): Promise<TrainResult> {
  const run = await prepareRun(ctx.config, { ...(ctx.resume ? { resume: ctx.resume } : {}), ...(ctx.data ? { data: ctx.data } : {}), metricsFile: false });
  const wallStarted = performance.now();
  try {
    const layout = psLayout(ctx.roles, options, run.model, ctx.config);
    const index = layout.servers.indexOf(ctx.rank);
    const decoding = options.compression ? new PushDecoding(options.compression, layout.shards[index]!, run.model.segments, ctx.config.seed, layout.workers.length) : null;
    const shard = new ServerShard(ctx.comm, layout.shards[index]!, run.model, run.optimizer, optimizerSpec(ctx.config), ctx, decoding);
    const setup = { comm: ctx.comm, shard, workers: layout.workers, lr: (step: number) => run.kit.lr(step) };
    // Every worker starts from the servers' parameters.
    await Promise.all(layout.workers.map((w) => shard.sendParams(w, [0, 0, 0, 0])));
    const updates =
      options.consistency === 'bsp'
        ? await serveBsp({ ...setup, backupWorkers: options.backupWorkers, code: layout.code, startClock: run.startStep })
        : await serveSsp({
            ...setup,
            staleness: options.consistency === 'asp' ? Number.POSITIVE_INFINITY : options.staleness!,
            startClock: run.startStep,
            ...(options.delayAdaptive ? { delayThreshold: options.delayAdaptive.threshold ?? layout.workers.length } : {}),
            ...(options.delayCompensation ? { delayCompensation: options.delayCompensation } : {}),
          });
    const traffic = ctx.comm.stats.snapshot();
    return {
      steps: updates,
      epochs: 0,
      finalLoss: Number.NaN,
      evaluation: null,
      wallSec: (performance.now() - wallStarted) / 1000,
      samplesPerSec: 0,
      stopped: false,
      role: 'server',
      timing: {
        rank: ctx.rank,
        role: 'server',
        workers: layout.workers.length,
        steps: updates,
        computeSec: 0,
        commSec: 0,
        waitSec: 0,
        bytesSent: traffic.bytesSent,
        bytesReceived: traffic.bytesReceived,
        simulated: ctx.comm.transport.now !== undefined,
      },
    };
  } finally {
    run.model.dispose();
  }
}
