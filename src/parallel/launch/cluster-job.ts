/**
 * The DDP job as a cluster worker runs it (`loom worker --join`, the procs and hosts modes): the
 * coordinator's payload carries the validated config, a restart's checkpoint arrives as bytes,
 * rank 0's checkpoints and metrics go back over the control connection.
 */
import type { WorkerContext } from '../../cluster/index.js';
import { validateConfig } from '../../config/load.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../train/checkpoint.js';
import type { MetricRecord } from '../../train/metrics.js';
import type { TrainResult } from '../../train/trainer.js';
import { LoomError, showValue } from '../../util/errors.js';
import { runDdpRank } from '../ddp/ddp-rank.js';

/** What the coordinator of a data-parallel job hands every worker. */
export interface DdpPayload {
  readonly kind: 'ddp';
  readonly config: unknown;
}

/** What rank 0 reports: one metrics record and whether the driver should persist it. */
export interface ReportedRecord {
  readonly record: MetricRecord;
  readonly persist: boolean;
}

export async function ddpClusterJob(ctx: WorkerContext): Promise<TrainResult> {
  const payload = ctx.payload as Partial<DdpPayload> | null;
  if (!payload || payload.kind !== 'ddp') throw new LoomError(`this worker runs data-parallel (ddp) jobs; the coordinator sent ${showValue(payload?.kind)}`);
  const config = validateConfig(payload.config);
  return runDdpRank(ctx.transport, {
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

/** A record reported by rank 0, checked before it reaches the driver's metrics stream. */
export function parseReportedRecord(value: unknown): ReportedRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const { record, persist } = value as { record?: { type?: unknown }; persist?: unknown };
  if (typeof persist !== 'boolean' || typeof record !== 'object' || record === null) return null;
  if (!['start', 'step', 'eval', 'checkpoint'].includes(record.type as string)) return null;
  return value as ReportedRecord;
}
