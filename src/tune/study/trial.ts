/**
 * What a study knows about one trial, as every sampler and scheduler sees it: a snapshot rebuilt
 * from the study's journal (see journal.ts), never mutated in place.
 */
import type { Distribution, ParamValue } from '../space/distribution.js';

/**
 * - waiting: queued, no worker holds it yet (the retry of a trial whose worker was lost);
 * - running: a worker holds it (and sends heartbeats);
 * - paused: stopped by a scheduler at a rung, resumable from its checkpoint (ASHA, PBT);
 * - complete / pruned / failed: finished.
 */
export type TrialState = 'waiting' | 'running' | 'paused' | 'complete' | 'pruned' | 'failed';

export const FINISHED_STATES: readonly TrialState[] = ['complete', 'pruned', 'failed'];

export type Direction = 'minimize' | 'maximize';

export interface FrozenTrial {
  /** Unique in the study, assigned by the storage (the journal position of its creation). */
  readonly id: number;
  /** 0, 1, 2, ... in creation order. */
  readonly number: number;
  readonly state: TrialState;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** The objective's final value (complete trials), else null. */
  readonly value: number | null;
  /** Reported intermediate values by step (budget), in report order; a step reported twice keeps the last. */
  readonly intermediate: ReadonlyMap<number, number>;
  /** Free-form attributes: checkpoint path, bracket, worker, error message, ... */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly heartbeatAt: number;
}

/** The study as samplers and schedulers read it. */
export interface StudyView {
  readonly direction: Direction;
  /** Every trial, in creation order (optionally only those in `states`). */
  trials(states?: readonly TrialState[]): readonly FrozenTrial[];
}

/** -value when maximizing, so that every algorithm can minimize. */
export function lossOf(direction: Direction, value: number): number {
  return direction === 'minimize' ? value : -value;
}

/** The last reported intermediate value at or below `step`, or null. */
export function lastValueAt(trial: FrozenTrial, step: number): number | null {
  let best: number | null = null;
  let bestStep = -Infinity;
  for (const [s, v] of trial.intermediate) {
    if (s <= step && s >= bestStep) {
      best = v;
      bestStep = s;
    }
  }
  return best;
}
