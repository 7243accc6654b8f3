/**
 * Hyperband: successive-halving brackets that trade the number of configurations against the
 * budget each starts with, from s = s_max (many configurations, budget R / eta^s_max) down to
 * s = 0 (a few at the full budget R).
 * L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh, A. Talwalkar, "Hyperband: A Novel Bandit-Based
 * Approach to Hyperparameter Optimization", JMLR 18(185):1-52, 2018 (Algorithm 1).
 *
 * Brackets are played in order, each a synchronous successive-halving bracket
 * (successive-halving.ts: a rung is decided once all its trials reported). A worker that would
 * wait for a rung to fill starts the next bracket's trials instead, as HpBandSter starts the next
 * iteration when workers are idle; it waits only when no bracket has work. With maxTrials the
 * brackets repeat, s_max down to 0 and again, until that many configurations have started, as
 * HpBandSter's n_iterations and Ray Tune's HyperBand do; the last bracket is cut short, its rungs
 * scaled to the configurations it holds, so that every bracket is decided and reaches R. Trials carry attrs.bracket = s and attrs.round (the pass
 * through the brackets, from 0); all state is read from the history.
 */
import { LoomError, showValue } from '../../util/errors.js';
import type { FrozenTrial, StudyView } from '../study/trial.js';
import { checkMaxTrials } from './fifo.js';
import { checkEta, pauseAtTarget } from './rungs.js';
import type { Decision, NextTrial, Scheduler } from './scheduler.js';
import { configurations, nextInBracket, rungDecisions, type BracketPlan, type Rung, type RungDecision } from './successive-halving.js';

export interface Bracket extends BracketPlan {
  readonly s: number;
  /** The budget its trials start with (rungs[0].r). */
  readonly r: number;
  /** n_i = floor(n / eta^i) trials at budget r * eta^i, i = 0..s. */
  readonly rungs: readonly Rung[];
}

/** floor(log_eta(R)) in integers: in floating point, log(1000) / log(10) is 2.9999999999999996. */
export function sMaxOf(R: number, eta: number): number {
  let s = 0;
  while (eta ** (s + 1) <= R) s++;
  return s;
}

/**
 * Hyperband's brackets for maximum budget R (in units of the smallest budget) and eta, s = s_max
 * first: n = ceil((s_max + 1) / (s + 1) * eta^s) configurations at r = R / eta^s. All in integers
 * (in floating point, for R = 3^10 and s = 8, 11 / 9 * 3^8 is 8019.000000000001, whose ceiling is
 * 8020). When R is not a power of eta, R / eta^j is rounded to the nearest whole step.
 */
export function hyperbandBrackets(R: number, eta: number): Bracket[] {
  if (!Number.isInteger(R) || R < 1) throw new LoomError(`hyperband: maxBudget must be a positive integer, got ${showValue(R)}`);
  checkEta('hyperband', eta);
  const sMax = sMaxOf(R, eta);
  const brackets: Bracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    const n = Math.floor(((sMax + 1) * eta ** s + s) / (s + 1)); // ceil(a / b) = floor((a + b - 1) / b)
    const rungs = Array.from({ length: s + 1 }, (_, i) => ({ n: Math.floor(n / eta ** i), r: Math.max(1, Math.round(R / eta ** (s - i))) }));
    brackets.push({ s, n, r: rungs[0].r, rungs });
  }
  return brackets;
}

/** A bracket as a run plays it: in pass `round` through the brackets, perhaps cut short. */
export interface PlannedBracket extends Bracket {
  readonly round: number;
}

/**
 * The brackets a run plays: each once without maxTrials; with it, round after round until
 * maxTrials configurations, the last bracket holding what is left (n_i = floor(m / eta^i), at
 * least 1, for its m configurations).
 */
export function hyperbandSchedule(R: number, eta: number, maxTrials?: number): PlannedBracket[] {
  const brackets = hyperbandBrackets(R, eta);
  if (maxTrials === undefined) return brackets.map((b) => ({ ...b, round: 0 }));
  checkMaxTrials('hyperband', maxTrials);
  const planned: PlannedBracket[] = [];
  let left = maxTrials;
  for (let round = 0; left > 0; round++) {
    for (const bracket of brackets) {
      if (left === 0) break;
      const n = Math.min(bracket.n, left);
      left -= n;
      const rungs = n === bracket.n ? bracket.rungs : bracket.rungs.map((g, i) => ({ n: Math.max(1, Math.floor(n / eta ** i)), r: g.r }));
      planned.push({ ...bracket, n, rungs, round });
    }
  }
  return planned;
}

export interface HyperbandOptions {
  /** R: the largest budget, an integer. */
  readonly maxBudget: number;
  /** Default 3. */
  readonly eta?: number;
  /** Configurations to start in all, the brackets repeating (default: each bracket once). */
  readonly maxTrials?: number;
}

export class HyperbandScheduler implements Scheduler {
  readonly name = 'hyperband';
  readonly maxBudget: number;
  /** What a run plays, in order: the paper's brackets (hyperbandBrackets), once or round after round. */
  readonly schedule: readonly PlannedBracket[];

  constructor(options: HyperbandOptions) {
    this.schedule = hyperbandSchedule(options.maxBudget, options.eta ?? 3, options.maxTrials);
    this.maxBudget = options.maxBudget;
  }

  nextTrial(study: StudyView): NextTrial {
    const byBracket = membersByBracket(study);
    let waiting = false;
    for (const bracket of this.schedule) {
      const next = nextInBracket(study, bracket, byBracket(bracket), { bracket: bracket.s, round: bracket.round });
      if (next?.kind === 'wait') waiting = true;
      else if (next) return next;
    }
    return waiting ? { kind: 'wait' } : { kind: 'done' };
  }

  onReport(_study: StudyView, trial: FrozenTrial, step: number): Decision {
    return pauseAtTarget(trial, step, this.maxBudget);
  }

  retired(study: StudyView): number[] {
    const byBracket = membersByBracket(study);
    return this.schedule.flatMap((bracket) => {
      const inBracket = byBracket(bracket);
      return inBracket.length > 0 ? rungDecisions(study, bracket, inBracket).flatMap((d) => d.retired) : [];
    });
  }

  /** Where each rung of bracket s in pass `round` stands (see rungDecisions). */
  decisions(study: StudyView, s: number, round = 0): RungDecision[] {
    const bracket = this.schedule.find((b) => b.s === s && b.round === round);
    if (!bracket) {
      throw new LoomError(`hyperband: no bracket ${showValue(s)} in round ${round} (brackets ${this.schedule.map((b) => `${b.s}${b.round ? ` (round ${b.round})` : ''}`).join(', ')})`);
    }
    return rungDecisions(study, bracket, membersByBracket(study)(bracket));
  }
}

/** The study's configurations by bracket, read once. A trial from before rounds were recorded belongs to round 0. */
function membersByBracket(study: StudyView): (bracket: PlannedBracket) => FrozenTrial[] {
  const groups = new Map<string, FrozenTrial[]>();
  for (const t of configurations(study.trials())) {
    const key = `${String(t.attrs.bracket)}/${String(t.attrs.round ?? 0)}`;
    const group = groups.get(key);
    if (group) group.push(t);
    else groups.set(key, [t]);
  }
  return (bracket) => groups.get(`${bracket.s}/${bracket.round}`) ?? [];
}
