/**
 * The program every rank thread of a `threads`-mode job runs (started by ThreadPool, which hands it
 * the threads transport). Rank 0 forwards its metrics records to the main thread; a shared stop
 * flag, set by the main thread on Ctrl-C, asks rank 0 to vote the group to a stop.
 */
import type { Transport } from '../../comm/index.js';
import type { LoomConfig } from '../../config/schema.js';
import type { TrainResult } from '../../train/trainer.js';
import { runDdpRank } from '../ddp/ddp-rank.js';

export interface ThreadRankData {
  readonly config: LoomConfig;
  readonly resume?: string;
  /** Int32 flag: non-zero asks the job to stop (checked after every step). */
  readonly stopFlag: SharedArrayBuffer;
}

export interface ThreadRankEvent {
  readonly record: import('../../train/metrics.js').MetricRecord;
  readonly persist: boolean;
}

export async function ddpThreadRank(transport: Transport, data: ThreadRankData, emit: (event: ThreadRankEvent) => void): Promise<TrainResult> {
  const stopFlag = new Int32Array(data.stopFlag);
  let stop: (() => void) | null = null;
  return runDdpRank(transport, {
    config: data.config,
    ...(data.resume ? { resume: data.resume } : {}),
    onStart: (request) => (stop = request),
    report: (record, persist) => {
      if (transport.rank !== 0) return;
      emit({ record, persist });
      if (record.type === 'step' && Atomics.load(stopFlag, 0) !== 0) stop?.();
    },
  });
}
