import type { LoomConfig } from '../../config/schema.js';
import type { Checkpoint } from '../../train/checkpoint.js';
import type { MetricsStream } from '../../train/metrics.js';

/** What every execution mode's driver (the process that starts the job) is given. */
export interface DriverOptions {
  readonly config: LoomConfig;
  /** Checkpoint to resume from: a file path, or already decoded. */
  readonly resume?: string | Checkpoint;
  /** The driver's stream: rank 0's records are published into it (and so reach progress and metrics.jsonl). */
  readonly metrics: MetricsStream;
  /** Aborting asks the job to stop at the next step, checkpoint and return. */
  readonly stopSignal?: AbortSignal;
}
