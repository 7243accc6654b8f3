/**
 * The median stopping rule: stop a trial at step s when its best value so far is strictly worse
 * than the median, over the other trials, of their running averages up to step s.
 * D. Golovin, B. Solnik, S. Moitra, G. Kochanski, J. Karro, D. Sculley, "Google Vizier: A Service
 * for Black-Box Optimization", KDD 2017 (automated early stopping).
 *
 * Conventions (the rule is implemented differently in every library; these are Ray Tune's
 * MedianStoppingRule, with steps in place of its seconds):
 * - the other trials are every trial, in any state, that reported at step s or beyond (Vizier
 *   takes completed trials only; counting running ones lets the rule act while the first trials
 *   of an asynchronous study are still running);
 * - a running average up to s is the mean of a trial's values at steps <= s;
 * - the rule acts only at steps >= gracePeriod (default 0) and with at least minTrials other
 *   trials (default 3, Ray's min_samples_required; Optuna's MedianPruner instead waits for
 *   n_startup_trials = 5 completed trials and compares with their values at step s itself).
 * Trials start at maxBudget and are never paused. The rule keeps no state: a restarted tuner
 * stops exactly the trials the killed one would have.
 */
import { LoomError, showValue } from '../../util/errors.js';
import { lossOf, type FrozenTrial, type StudyView } from '../study/trial.js';
import { checkMaxBudget, checkMaxTrials, startUntil } from './fifo.js';
import type { Decision, NextTrial, Scheduler } from './scheduler.js';

export interface MedianStoppingOptions {
  /** The step every trial runs to unless stopped. */
  readonly maxBudget: number;
  /** No trial is stopped at a step below this (default 0). */
  readonly gracePeriod?: number;
  /** The fewest other trials that reached the step for the rule to act (default 3). */
  readonly minTrials?: number;
  /** Start no trial after this many (retries of lost trials not counted); then `done`. */
  readonly maxTrials?: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The mean loss of a trial's values at steps <= step (null if it has none). */
export function runningAverage(study: StudyView, trial: FrozenTrial, step: number): number | null {
  let sum = 0;
  let count = 0;
  for (const [s, v] of trial.intermediate) {
    if (s <= step) {
      sum += lossOf(study.direction, v);
      count++;
    }
  }
  return count > 0 ? sum / count : null;
}

export class MedianStoppingScheduler implements Scheduler {
  readonly name = 'median-stopping';
  readonly maxBudget: number;
  readonly gracePeriod: number;
  readonly minTrials: number;
  private readonly maxTrials: number | undefined;

  constructor(options: MedianStoppingOptions) {
    checkMaxBudget('median-stopping', options.maxBudget);
    checkMaxTrials('median-stopping', options.maxTrials);
    this.gracePeriod = options.gracePeriod ?? 0;
    this.minTrials = options.minTrials ?? 3;
    if (typeof this.gracePeriod !== 'number' || !Number.isFinite(this.gracePeriod) || this.gracePeriod < 0) {
      throw new LoomError(`median-stopping: gracePeriod must be a number >= 0, got ${showValue(options.gracePeriod)}`);
    }
    if (!Number.isInteger(this.minTrials) || this.minTrials < 1) {
      throw new LoomError(`median-stopping: minTrials must be an integer >= 1, got ${showValue(options.minTrials)}`);
    }
    this.maxBudget = options.maxBudget;
    this.maxTrials = options.maxTrials;
  }

  nextTrial(study: StudyView): NextTrial {
    return startUntil(study, this.maxBudget, this.maxTrials);
  }

  onReport(study: StudyView, trial: FrozenTrial, step: number, value: number): Decision {
    if (step < this.gracePeriod) return 'continue';
    const averages: number[] = [];
    for (const other of study.trials()) {
      if (other.id === trial.id || !reached(other, step)) continue;
      const average = runningAverage(study, other, step);
      if (average !== null) averages.push(average);
    }
    if (averages.length < this.minTrials) return 'continue';
    return bestLossSoFar(study, trial, step, value) > median(averages) ? 'stop' : 'continue';
  }
}

function reached(trial: FrozenTrial, step: number): boolean {
  for (const s of trial.intermediate.keys()) if (s >= step) return true;
  return false;
}

/** `value` at `step` counts even if the trial passed in was read before the report was stored. */
function bestLossSoFar(study: StudyView, trial: FrozenTrial, step: number, value: number): number {
  let best = lossOf(study.direction, value);
  for (const [s, v] of trial.intermediate) if (s <= step) best = Math.min(best, lossOf(study.direction, v));
  return best;
}
