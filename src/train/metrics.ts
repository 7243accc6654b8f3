/**
 * The metrics stream of a run: every record goes to in-process listeners and, when a path is
 * given, to a JSON-lines file (one object per line, appended, so a resumed run continues it).
 */
import { EventEmitter } from 'node:events';
import { appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeDirectory } from '../util/output-dir.js';

export interface StepRecord {
  readonly type: 'step';
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly lr: number;
  /** Training throughput over the steps since the previous record. */
  readonly samplesPerSec: number;
  /** Seconds since this process started training (simulated seconds in virtual mode). */
  readonly elapsedSec: number;
  /** Where the step's time went on rank 0 (seconds of this step); present in data-parallel runs. */
  readonly timing?: StepTiming;
  /** Asynchronous strategies: updates by other workers applied between this worker's pull and its push. */
  readonly staleness?: number;
  /** Gossip: (1/n) sum_i ||x_i - mean x||^2 over the ranks' models, measured before they are averaged (evaluation and last steps). */
  readonly consensusDistance?: number;
}

/** One step of one rank: local compute, waiting for the slowest rank, and communication proper. */
export interface StepTiming {
  readonly workers: number;
  readonly computeSec: number;
  readonly commSec: number;
  readonly waitSec: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** True when the times come from a virtual clock (a simulation, not a measurement). */
  readonly simulated: boolean;
}

export interface EvalRecord {
  readonly type: 'eval';
  readonly step: number;
  readonly epoch: number;
  /** Mean loss per example (per token for sequence models). */
  readonly loss: number;
  readonly accuracy: number;
  readonly count: number;
  readonly elapsedSec: number;
}

export interface CheckpointRecord {
  readonly type: 'checkpoint';
  readonly step: number;
  readonly path: string;
}

/** Published once when training starts (by rank 0), so a driver in another thread or process can show the run. */
export interface StartRecord {
  readonly type: 'start';
  /** Steps already done (when resuming). */
  readonly step: number;
  readonly totalSteps: number;
  readonly workers: number;
  readonly model: string;
  readonly params: number;
  readonly trainSize: number;
  readonly testSize: number;
}

export type MetricRecord = StartRecord | StepRecord | EvalRecord | CheckpointRecord;

interface MetricEvents {
  /** Every record, with whether it was persisted (to forward a stream to another process). */
  record: [MetricRecord, boolean];
  start: [StartRecord];
  step: [StepRecord];
  eval: [EvalRecord];
  checkpoint: [CheckpointRecord];
}

/** A run's metrics.jsonl, in its output directory (none without one). */
export function metricsFileIn(dir: string | undefined): string | undefined {
  return dir ? join(dir, 'metrics.jsonl') : undefined;
}

export class MetricsStream extends EventEmitter<MetricEvents> {
  constructor(private readonly jsonlPath?: string) {
    super();
    if (jsonlPath) makeDirectory(dirname(jsonlPath), 'output directory');
  }

  /** Sends a record to listeners; `persist` also appends it to the JSONL file. */
  publish(record: MetricRecord, persist = true): void {
    if (persist && this.jsonlPath) appendFileSync(this.jsonlPath, `${JSON.stringify(record)}\n`);
    this.emit('record', record, persist);
    switch (record.type) {
      case 'start':
        this.emit('start', record);
        break;
      case 'step':
        this.emit('step', record);
        break;
      case 'eval':
        this.emit('eval', record);
        break;
      case 'checkpoint':
        this.emit('checkpoint', record);
        break;
    }
  }
}
