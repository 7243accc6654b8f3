/**
 * Asynchronous successive halving, promotion-based (Algorithm 2, get_job): whenever a worker is
 * free, promote the best trial of the highest rung that has one in its top 1/eta not yet promoted
 * — resuming it from its checkpoint at the next rung's budget — or else start a new trial at the
 * bottom rung. No rung ever waits to fill, so no worker idles, and trials do reach the top rung.
 * L. Li, K. Jamieson, A. Rostamizadeh, E. Gonina, J. Ben-tzur, M. Hardt, B. Recht, A. Talwalkar,
 * "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020.
 *
 * Rung k's budget is minBudget * eta^(k + s) (s: the minimum early-stopping rate), the last one
 * maxBudget. Every decision is read from the history (rungs.ts): a restarted tuner promotes what
 * the killed one would have.
 */
import type { StudyView } from '../study/trial.js';
import { checkBudgets, checkEta, pauseAtTarget, promotedPast, rungResults } from './rungs.js';
import type { Decision, NextTrial, Scheduler } from './scheduler.js';
import type { FrozenTrial } from '../study/trial.js';

export interface AshaOptions {
  readonly minBudget: number;
  readonly maxBudget: number;
  /** Default 3. */
  readonly eta?: number;
  /** s in the paper (default 0): the bottom rung's budget is minBudget * eta^s. */
  readonly minEarlyStoppingRate?: number;
  /** Start no new trial after this many; promotions continue until none is possible. */
  readonly maxTrials?: number;
}

/** The rung budgets: minBudget * eta^(k + s) below maxBudget, then maxBudget. */
export function ashaRungs(minBudget: number, maxBudget: number, eta: number, s = 0): number[] {
  const rungs: number[] = [];
  for (let b = minBudget * eta ** s; b < maxBudget; b *= eta) rungs.push(b);
  rungs.push(maxBudget);
  return rungs;
}

export class AshaScheduler implements Scheduler {
  readonly name = 'asha';
  readonly maxBudget: number;
  readonly rungs: readonly number[];
  private readonly eta: number;

  constructor(private readonly options: AshaOptions) {
    checkBudgets('asha', options.minBudget, options.maxBudget);
    this.eta = options.eta ?? 3;
    checkEta('asha', this.eta);
    this.maxBudget = options.maxBudget;
    this.rungs = ashaRungs(options.minBudget, options.maxBudget, this.eta, options.minEarlyStoppingRate ?? 0);
  }

  nextTrial(study: StudyView): NextTrial {
    const promotion = this.promotable(study);
    if (promotion) return { kind: 'resume', trialId: promotion.trial.id, budget: this.rungs[promotion.rung + 1] };
    const started = study.trials().filter((t) => t.attrs.retryOf === undefined).length;
    if (this.options.maxTrials === undefined || started < this.options.maxTrials) return { kind: 'new', budget: this.rungs[0] };
    // No new trials: a running one may still earn a promotion for somebody.
    return study.trials(['running', 'waiting']).length > 0 ? { kind: 'wait' } : { kind: 'done' };
  }

  onReport(_study: StudyView, trial: FrozenTrial, step: number): Decision {
    return pauseAtTarget(trial, step, this.maxBudget);
  }

  /** The best paused trial in the top 1/eta of the highest rung that has one, with its rung index. */
  promotable(study: StudyView): { trial: FrozenTrial; rung: number } | null {
    const trials = study.trials();
    for (let k = this.rungs.length - 2; k >= 0; k--) {
      const budget = this.rungs[k];
      const ranked = rungResults(study, trials, budget);
      const top = ranked.slice(0, Math.floor(ranked.length / this.eta));
      const candidate = top.find((t) => t.state === 'paused' && !promotedPast(t, budget));
      if (candidate) return { trial: candidate, rung: k };
    }
    return null;
  }
}
