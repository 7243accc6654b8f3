/** Messages between a TrialWorker (the tuner) and trial-worker-main (its thread or process), one trial at a time. */
import type { TrialJob, TrialOutcome } from './trial-job.js';

/** Where a tuner runs its training trials (a tune file's workerMode). */
export const TRIAL_WORKER_MODES = ['threads', 'processes'] as const;
export type TrialWorkerMode = (typeof TRIAL_WORKER_MODES)[number];

export type ToTrialWorker = { readonly type: 'run'; readonly job: TrialJob } | { readonly type: 'stop' };

export type FromTrialWorker =
  | { readonly type: 'report'; readonly epoch: number; readonly value: number }
  | { readonly type: 'done'; readonly outcome: TrialOutcome }
  | { readonly type: 'failed'; readonly message: string };
