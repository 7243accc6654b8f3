/**
 * Hyperband: successive-halving brackets that trade the number of configurations against the
 * budget each starts with, from s = s_max (many configurations, budget R / eta^s_max) down to
 * s = 0 (a few at the full budget R).
 * L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh, A. Talwalkar, "Hyperband: A Novel Bandit-Based
 * Approach to Hyperparameter Optimization", JMLR 18(185):1-52, 2018 (Algorithm 1).
 *
 * Brackets run one after another, each a synchronous successive-halving bracket
 * (successive-halving.ts: a rung is decided once all its trials reported; workers wait meanwhile,
 * which ASHA avoids). Trials carry attrs.bracket = s; all state is read from the history.
 */
import { LoomError, showValue } from '../../util/errors.js';
import type { FrozenTrial, StudyView } from '../study/trial.js';
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

export interface HyperbandOptions {
  /** R: the largest budget, an integer. */
  readonly maxBudget: number;
  /** Default 3. */
  readonly eta?: number;
}

export class HyperbandScheduler implements Scheduler {
  readonly name = 'hyperband';
  readonly maxBudget: number;
  readonly brackets: readonly Bracket[];

  constructor(options: HyperbandOptions) {
    this.brackets = hyperbandBrackets(options.maxBudget, options.eta ?? 3);
    this.maxBudget = options.maxBudget;
  }

  nextTrial(study: StudyView): NextTrial {
    const all = configurations(study.trials());
    for (const bracket of this.brackets) {
      const next = nextInBracket(study, bracket, members(all, bracket), { bracket: bracket.s });
      if (next) return next;
    }
    return { kind: 'done' };
  }

  onReport(_study: StudyView, trial: FrozenTrial, step: number): Decision {
    return pauseAtTarget(trial, step, this.maxBudget);
  }

  /** Where each rung of bracket s stands (see rungDecisions). */
  decisions(study: StudyView, s: number): RungDecision[] {
    const bracket = this.brackets.find((b) => b.s === s);
    if (!bracket) throw new LoomError(`hyperband: no bracket ${showValue(s)} (brackets ${this.brackets.map((b) => b.s).join(', ')})`);
    return rungDecisions(study, bracket, members(configurations(study.trials()), bracket));
  }
}

function members(all: readonly FrozenTrial[], bracket: Bracket): FrozenTrial[] {
  return all.filter((t) => t.attrs.bracket === bracket.s);
}
