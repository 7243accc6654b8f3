/** Messages between a TrialThread (main thread) and trial-thread-main (the worker), one trial at a time. */
import type { TrialJob, TrialOutcome } from './trial-job.js';

export type ToTrialThread = { readonly type: 'run'; readonly job: TrialJob } | { readonly type: 'stop' };

export type FromTrialThread =
  | { readonly type: 'report'; readonly epoch: number; readonly value: number }
  | { readonly type: 'done'; readonly outcome: TrialOutcome }
  | { readonly type: 'failed'; readonly message: string };
