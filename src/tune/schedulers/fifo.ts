/**
 * FIFO: trials run in the order they start, each to the full budget; none is ever stopped or
 * paused (Ray Tune's FIFOScheduler, the baseline every early-stopping scheduler is measured against).
 */
import { LoomError, showValue } from '../../util/errors.js';
import type { StudyView } from '../study/trial.js';
import type { Decision, NextTrial, Scheduler } from './scheduler.js';

export interface FifoOptions {
  /** The step every trial runs to. */
  readonly maxBudget: number;
  /** Start no trial after this many (retries of lost trials not counted); then `done`. */
  readonly maxTrials?: number;
}

export function checkMaxBudget(scheduler: string, maxBudget: number): void {
  if (typeof maxBudget !== 'number' || !Number.isFinite(maxBudget) || maxBudget <= 0) {
    throw new LoomError(`${scheduler}: maxBudget must be a positive number, got ${typeof maxBudget === 'number' ? maxBudget : showValue(maxBudget)}`);
  }
}

export function checkMaxTrials(scheduler: string, maxTrials: number | undefined): void {
  if (maxTrials !== undefined && (!Number.isInteger(maxTrials) || maxTrials < 1)) {
    throw new LoomError(`${scheduler}: maxTrials must be an integer >= 1, got ${showValue(maxTrials)}`);
  }
}

/** A new trial at `budget` until `maxTrials` were started; then done (nothing is ever promoted). */
export function startUntil(study: StudyView, budget: number, maxTrials: number | undefined): NextTrial {
  const started = study.trials().filter((t) => t.attrs.retryOf === undefined).length;
  return maxTrials === undefined || started < maxTrials ? { kind: 'new', budget } : { kind: 'done' };
}

export class FifoScheduler implements Scheduler {
  readonly name = 'fifo';
  readonly maxBudget: number;
  private readonly maxTrials: number | undefined;

  constructor(options: FifoOptions) {
    checkMaxBudget('fifo', options.maxBudget);
    checkMaxTrials('fifo', options.maxTrials);
    this.maxBudget = options.maxBudget;
    this.maxTrials = options.maxTrials;
  }

  nextTrial(study: StudyView): NextTrial {
    return startUntil(study, this.maxBudget, this.maxTrials);
  }

  onReport(): Decision {
    return 'continue';
  }
}
