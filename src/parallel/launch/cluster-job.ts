/**
 * A training job as a cluster worker runs it (`loom worker --join`, the procs and hosts modes),
 * whatever its strategy: the coordinator's payload carries the validated config (which names the
 * strategy), a restart's checkpoint arrives as bytes, the lead rank's checkpoints and metrics go
 * back over the control connection.
 */
import type { WorkerContext } from '../../cluster/index.js';
import { validateConfig } from '../../config/load.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../train/checkpoint.js';
import type { MetricRecord } from '../../train/metrics.js';
import type { TrainResult } from '../../train/trainer.js';
import { LoomError, showValue } from '../../util/errors.js';
import { runRank } from './run-rank.js';

/** What the coordinator of a training job hands every worker. */
export interface JobPayload {
  readonly kind: 'train';
  readonly config: unknown;
}

/** What the lead rank reports: one metrics record and whether the driver should persist it. */
export interface ReportedRecord {
  readonly record: MetricRecord;
  readonly persist: boolean;
}

export async function trainingClusterJob(ctx: WorkerContext): Promise<TrainResult> {
  const payload = ctx.payload as Partial<JobPayload> | null;
  if (!payload || payload.kind !== 'train') throw new LoomError(`this worker runs training jobs; the coordinator sent ${showValue(payload?.kind)}`);
  const config = validateConfig(payload.config);
  return runRank(ctx.transport, {
    config,
    ...(ctx.resume ? { resume: decodeCheckpoint(Buffer.from(ctx.resume), 'the checkpoint sent by the coordinator') } : {}),
    signal: ctx.signal,
    onStart: (stop) => {
      if (ctx.stopRequested.aborted) stop();
      else ctx.stopRequested.addEventListener('abort', stop, { once: true });
    },
    report: (record, persist) => {
      if (ctx.rank === 0) ctx.report({ record, persist } satisfies ReportedRecord);
    },
    writeCheckpoint: (checkpoint) => ctx.saveCheckpoint(encodeCheckpoint(checkpoint), checkpoint.step),
  });
}

/** A record reported by the lead rank, checked before it reaches the driver's metrics stream. */
export function parseReportedRecord(value: unknown): ReportedRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const { record, persist } = value as { record?: { type?: unknown }; persist?: unknown };
  if (typeof persist !== 'boolean' || typeof record !== 'object' || record === null) return null;
  if (!['start', 'step', 'eval', 'checkpoint'].includes(record.type as string)) return null;
  return value as ReportedRecord;
}
