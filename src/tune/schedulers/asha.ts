/**
 * Asynchronous successive halving, promotion-based: whenever a worker is free, promote a trial of
 * the highest rung that has one in its top 1/eta not yet promoted — resuming it from its
 * checkpoint at the next rung's budget — or else start a new trial at the bottom rung. No rung
 * waits to fill, so no worker idles, and trials do reach the top rung.
 * L. Li, K. Jamieson, A. Rostamizadeh, E. Gonina, J. Ben-tzur, M. Hardt, B. Recht, A. Talwalkar,
 * "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020 (Algorithm 2, get_job).
 *
 * Rung k's budget is minBudget * eta^(k + s) (s: the minimum early-stopping rate), the last one
 * maxBudget. A trial reports at its target budget (attrs.budget) and `onReport` pauses it there
 * unless that is maxBudget. Everything is read from the history: rung k holds the trials with a
 * value at its budget, and one of them was promoted when its target (or a step it reported) lies
 * above the rung — so a trial is promoted from a rung at most once, and a restarted tuner promotes
 * what the killed one would have. A paused trial never promoted stays paused: it ended there.
 *
 * With maxTrials the search ends; if it would end with no trial at maxBudget (too few trials for
 * a rung's top 1/eta to hold anyone), the best paused trial of the highest rung goes on, rung by
 * rung, until one is trained to maxBudget — as Hyperband's brackets end, and as Ray Tune's ASHA,
 * which lets the first trial at each rung continue, always does.
 */
import { LoomError, showValue } from '../../util/errors.js';
import type { FrozenTrial, StudyView } from '../study/trial.js';
import { checkMaxTrials } from './fifo.js';
import { checkBudgets, checkEta, pauseAtTarget, promotedPast, rungResults } from './rungs.js';
import type { Decision, NextTrial, Scheduler } from './scheduler.js';
import { configurations, rungBudgets } from './successive-halving.js';

export interface AshaOptions {
  readonly minBudget: number;
  readonly maxBudget: number;
  /** Default 3. */
  readonly eta?: number;
  /** s in the paper (default 0): the bottom rung's budget is minBudget * eta^s. */
  readonly minEarlyStoppingRate?: number;
  /** Start no new trial after this many (retries not counted); promotions go on while any is possible. */
  readonly maxTrials?: number;
}

/** The rung budgets: minBudget * eta^(k + s) below maxBudget, then maxBudget. */
export function ashaRungs(minBudget: number, maxBudget: number, eta: number, s = 0): number[] {
  return rungBudgets(minBudget * eta ** s, maxBudget, eta);
}

export class AshaScheduler implements Scheduler {
  readonly name = 'asha';
  readonly maxBudget: number;
  readonly rungs: readonly number[];
  private readonly eta: number;
  private readonly maxTrials: number | undefined;

  constructor(options: AshaOptions) {
    checkBudgets('asha', options.minBudget, options.maxBudget);
    const eta = options.eta ?? 3;
    checkEta('asha', eta);
    const s = options.minEarlyStoppingRate ?? 0;
    if (!Number.isInteger(s) || s < 0) throw new LoomError(`asha: minEarlyStoppingRate must be an integer >= 0, got ${showValue(options.minEarlyStoppingRate)}`);
    checkMaxTrials('asha', options.maxTrials);
    this.eta = eta;
    this.maxBudget = options.maxBudget;
    this.maxTrials = options.maxTrials;
    this.rungs = ashaRungs(options.minBudget, options.maxBudget, eta, s);
  }

  nextTrial(study: StudyView): NextTrial {
    const trials = configurations(study.trials());
    const promotion = this.promotable(study, trials);
    if (promotion) return { kind: 'resume', trialId: promotion.trial.id, budget: this.rungs[promotion.rung + 1] };
    if (this.maxTrials === undefined || trials.length < this.maxTrials) return { kind: 'new', budget: this.rungs[0] };
    // No new trials: one still running may yet earn a promotion, for itself or another.
    if (trials.some((t) => t.state === 'running' || t.state === 'waiting')) return { kind: 'wait' };
    const leader = this.leader(study, trials);
    return leader ? { kind: 'resume', trialId: leader.trial.id, budget: this.rungs[leader.rung + 1] } : { kind: 'done' };
  }

  /**
   * At the end of a search that has no trial at maxBudget: the best paused, unpromoted trial of
   * the highest rung that has one (null once some trial reached maxBudget).
   */
  leader(study: StudyView, trials: readonly FrozenTrial[] = configurations(study.trials())): { trial: FrozenTrial; rung: number } | null {
    if (rungResults(study, trials, this.maxBudget).length > 0) return null;
    return this.highestPaused(study, trials, (ranked) => ranked);
  }

  onReport(_study: StudyView, trial: FrozenTrial, step: number): Decision {
    return pauseAtTarget(trial, step, this.maxBudget);
  }

  /**
   * The paper's promotion rule: from the highest rung below the top down, the first trial in rank
   * order among the top floor(|rung k| / eta) that is paused and not yet promoted, with its rung.
   */
  promotable(study: StudyView, trials: readonly FrozenTrial[] = configurations(study.trials())): { trial: FrozenTrial; rung: number } | null {
    return this.highestPaused(study, trials, (ranked) => ranked.slice(0, Math.floor(ranked.length / this.eta)));
  }

  /**
   * From the highest rung below the top down, the first paused, unpromoted trial in rank order
   * among those `eligible` keeps of the rung's ranking, with its rung.
   */
  private highestPaused(
    study: StudyView,
    trials: readonly FrozenTrial[],
    eligible: (ranked: FrozenTrial[]) => readonly FrozenTrial[],
  ): { trial: FrozenTrial; rung: number } | null {
    for (let k = this.rungs.length - 2; k >= 0; k--) {
      const budget = this.rungs[k];
      const candidate = eligible(rungResults(study, trials, budget)).find((t) => t.state === 'paused' && !promotedPast(t, budget));
      if (candidate) return { trial: candidate, rung: k };
    }
    return null;
  }
}
