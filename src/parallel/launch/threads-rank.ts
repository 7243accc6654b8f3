/**
 * The program every rank thread of a `threads`-mode job runs (started by ThreadPool, which hands it
 * the threads transport). Rank 0 forwards its metrics records to the main thread; a shared stop
 * flag, set by the main thread on Ctrl-C, asks rank 0 to vote the group to a stop.
 *
 * Step records that are not persisted (most of them: one per step) are forwarded in batches, at
 * most one message per FORWARD_INTERVAL_MS: a message per step would wake the main thread every few
 * milliseconds, and on a machine with one core per rank that wake-up preempts a rank mid-step.
 */
import type { Transport } from '../../comm/index.js';
import type { LoomConfig } from '../../config/schema.js';
import type { MetricRecord } from '../../train/metrics.js';
import type { TrainResult } from '../../train/trainer.js';
import { runRank } from './run-rank.js';

export interface ThreadRankData {
  readonly config: LoomConfig;
  readonly resume?: string;
  /** Int32 flag: non-zero asks the job to stop (checked after every step). */
  readonly stopFlag: SharedArrayBuffer;
}

export interface ForwardedRecord {
  readonly record: MetricRecord;
  readonly persist: boolean;
}

/** Rank 0's records since the previous event, in publication order. */
export interface ThreadRankEvent {
  readonly records: readonly ForwardedRecord[];
}

const FORWARD_INTERVAL_MS = 50;

export async function threadRank(transport: Transport, data: ThreadRankData, emit: (event: ThreadRankEvent) => void): Promise<TrainResult> {
  const stopFlag = new Int32Array(data.stopFlag);
  let stop: (() => void) | null = null;
  let pending: ForwardedRecord[] = [];
  let lastForward = -Infinity;
  const flush = (): void => {
    if (pending.length === 0) return;
    emit({ records: pending });
    pending = [];
    lastForward = performance.now();
  };
  try {
    return await runRank(transport, {
      config: data.config,
      ...(data.resume ? { resume: data.resume } : {}),
      onStart: (request) => (stop = request),
      report: (record, persist) => {
        if (transport.rank !== 0) return;
        pending.push({ record, persist });
        if (persist || record.type !== 'step' || performance.now() - lastForward >= FORWARD_INTERVAL_MS) flush();
        if (record.type === 'step' && Atomics.load(stopFlag, 0) !== 0) stop?.();
      },
    });
  } finally {
    flush();
  }
}
