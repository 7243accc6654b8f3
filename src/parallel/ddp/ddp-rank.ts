/**
 * One rank of synchronous data-parallel SGD (the DDP strategy): join the communicator, take rank
 * 0's parameters (broadcast, as DDP does at construction), then run the shared training loop with
 * this rank's slice of every global batch and bucketed gradient all-reduces — or, with a `robust`
 * section, gradients sent to rank 0's robust aggregating server (parallel/robust). Every transport and
 * execution mode (threads, procs, hosts, virtual) runs this same function.
 */
import { Communicator, type Transport } from '../../comm/index.js';
import type { LoomConfig } from '../../config/schema.js';
import type { DatasetSplit } from '../../data/index.js';
import type { Checkpoint } from '../../train/checkpoint.js';
import type { MetricRecord } from '../../train/metrics.js';
import { prepareRun } from '../../train/run.js';
import type { TrainResult } from '../../train/trainer.js';
import { planBuckets } from './buckets.js';
import { CommGroup } from './comm-group.js';
import { robustGroup } from '../robust/index.js';

export interface DdpRankSetup {
  readonly config: LoomConfig;
  /** Checkpoint to start from (file path or decoded); every rank resumes from the same one. */
  readonly resume?: string | Checkpoint;
  /** Already-loaded data (virtual ranks share one copy). */
  readonly data?: DatasetSplit;
  /** Rank 0's metrics records go here (to the driver's stream, a parent thread or the coordinator). */
  readonly report?: (record: MetricRecord, persist: boolean) => void;
  /** Rank 0's checkpoints go here (default: written to output.dir by this rank). */
  readonly writeCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** Virtual mode: charge this rank's compute to the simulated clock (returns the seconds charged). */
  readonly chargeCompute?: (measuredSeconds: number, samples: number) => number;
  /** Receives a function that asks the trainer to stop (at a step every rank agrees on). */
  readonly onStart?: (stop: () => void) => void;
}

export async function runDdpRank(transport: Transport, setup: DdpRankSetup): Promise<TrainResult> {
  const { config, signal } = setup;
  const dist = config.distributed;
  const timeoutMs = dist.timeoutSec * 1000;
  const comm = await Communicator.create(transport, { timeoutMs });
  const run = await prepareRun(config, {
    ...(setup.resume ? { resume: setup.resume } : {}),
    ...(setup.data ? { data: setup.data } : {}),
    ...(setup.writeCheckpoint ? { writeCheckpoint: setup.writeCheckpoint } : {}),
    metricsFile: false,
    group: async (model, data) => {
      await comm.broadcast(model.params, 0, { timeoutMs, ...(signal ? { signal } : {}) });
      const options = {
        algorithm: dist.allreduce,
        timeoutMs,
        ...(signal ? { signal } : {}),
        ...(setup.chargeCompute ? { chargeCompute: setup.chargeCompute } : {}),
      };
      if (config.robust) return robustGroup(comm, config, model, data, options);
      return new CommGroup(comm, {
        ...options,
        buckets: planBuckets(model.segments, { capBytes: dist.bucketMB * 2 ** 20, firstCapBytes: dist.firstBucketMB * 2 ** 20 }),
      });
    },
  });
  try {
    setup.onStart?.(() => run.trainer.stop());
    if (setup.report) run.metrics.on('record', setup.report);
    return await run.trainer.run();
  } finally {
    run.model.dispose();
  }
}
