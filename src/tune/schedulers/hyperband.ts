/**
 * Hyperband: successive-halving brackets that trade the number of configurations against the
 * budget each starts with, from s_max (many configurations, budget R / eta^s_max) down to 0 (a
 * few at the full budget R); inside a bracket, each rung keeps the best 1/eta of the one below.
 * L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh, A. Talwalkar, "Hyperband: A Novel
 * Bandit-Based Approach to Hyperparameter Optimization", JMLR 18(185):1-52, 2018 (Algorithm 1).
 * Successive halving: K. Jamieson, A. Talwalkar, "Non-stochastic Best Arm Identification and
 * Hyperparameter Optimization", AISTATS 2016.
 *
 * Brackets run one after another, and a rung is decided once all its trials reported (the
 * synchronous algorithm: workers wait at a rung; ASHA does not). Trials carry attrs.bracket;
 * rung promotions resume paused trials from their checkpoints. All state is read from the history.
 */
import { LoomError } from '../../util/errors.js';
import type { FrozenTrial, StudyView } from '../study/trial.js';
import { checkEta, pauseAtTarget, promotedPast, rungResults, targetBudget } from './rungs.js';
import type { Decision, NextTrial, Scheduler } from './scheduler.js';

export interface Bracket {
  readonly s: number;
  /** Configurations started in the bracket, and the budget they start with. */
  readonly n: number;
  readonly r: number;
  /** Its rungs: n_i trials at budget r_i, i = 0..s. */
  readonly rungs: readonly { readonly n: number; readonly r: number }[];
}

/** Integer powers and logs: floating log(81) / log(3) is 4.000000000000001 and would floor wrongly. */
function sMaxOf(R: number, eta: number): number {
  let s = 0;
  while (eta ** (s + 1) <= R) s++;
  return s;
}

/** Hyperband's brackets for maximum budget R (an integer multiple of the smallest budget) and eta, s = s_max first. */
export function hyperbandBrackets(R: number, eta: number): Bracket[] {
  if (!Number.isInteger(R) || R < 1) throw new LoomError(`hyperband: maxBudget must be a positive integer, got ${R}`);
  checkEta('hyperband', eta);
  const sMax = sMaxOf(R, eta);
  const brackets: Bracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    const n = Math.ceil(((sMax + 1) * eta ** s) / (s + 1) - 1e-9);
    const r = R / eta ** s;
    const rungs = Array.from({ length: s + 1 }, (_, i) => ({ n: Math.floor(n / eta ** i), r: r * eta ** i }));
    brackets.push({ s, n, r, rungs });
  }
  return brackets;
}

export interface HyperbandOptions {
  readonly maxBudget: number;
  /** Default 3. */
  readonly eta?: number;
}

export class HyperbandScheduler implements Scheduler {
  readonly name = 'hyperband';
  readonly maxBudget: number;
  readonly brackets: readonly Bracket[];

  constructor(options: HyperbandOptions) {
    this.maxBudget = options.maxBudget;
    this.brackets = hyperbandBrackets(options.maxBudget, options.eta ?? 3);
  }

  nextTrial(study: StudyView): NextTrial {
    const trials = study.trials();
    for (const bracket of this.brackets) {
      const members = trials.filter((t) => t.attrs.bracket === bracket.s);
      if (members.filter((t) => t.attrs.retryOf === undefined).length < bracket.n) {
        return { kind: 'new', budget: bracket.r, attrs: { bracket: bracket.s } };
      }
      const next = this.nextInBracket(study, bracket, members);
      if (next) return next;
    }
    return study.trials(['running', 'waiting']).length > 0 ? { kind: 'wait' } : { kind: 'done' };
  }

  onReport(_study: StudyView, trial: FrozenTrial, step: number): Decision {
    return pauseAtTarget(trial, step, this.maxBudget);
  }

  /** A promotion, a wait for a rung to fill, or null when the bracket is over. */
  private nextInBracket(study: StudyView, bracket: Bracket, members: readonly FrozenTrial[]): NextTrial | null {
    for (let i = 0; i < bracket.rungs.length; i++) {
      const { r } = bracket.rungs[i];
      // Trials sent to this rung: those whose target reached it. A failed one counts as reported (it never will).
      const sent = members.filter((t) => targetBudget(t) >= r);
      const pending = sent.filter((t) => !t.intermediate.has(r) && t.state !== 'failed' && t.state !== 'pruned');
      if (pending.length > 0) return { kind: 'wait' };
      if (i === bracket.rungs.length - 1) return null;
      const keep = bracket.rungs[i + 1].n;
      const ranked = rungResults(study, sent, r);
      const promoted = ranked.filter((t) => promotedPast(t, r)).length;
      if (promoted < keep) {
        const candidate = ranked.slice(0, keep).find((t) => t.state === 'paused' && !promotedPast(t, r));
        if (candidate) return { kind: 'resume', trialId: candidate.id, budget: bracket.rungs[i + 1].r };
      }
    }
    return null;
  }
}
