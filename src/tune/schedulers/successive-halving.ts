/**
 * Synchronous successive halving, one bracket: n configurations start at the smallest budget;
 * once all of them have reported there, the best 1/eta go on with eta times the budget, and so on
 * up to maxBudget.
 * K. Jamieson, A. Talwalkar, "Non-stochastic Best Arm Identification and Hyperparameter
 * Optimization", AISTATS 2016 (rung sizes and budgets as in Hyperband's inner loop).
 *
 * As a Scheduler, with pause/resume (the study applies the answers as scheduler.ts says):
 * - a new trial runs to the bottom rung's budget, its attrs.budget, and is paused there;
 * - `nextTrial` waits while a rung is incomplete, then resumes the best paused trials of the rung,
 *   one per call, until the next rung has its n_{i+1} = floor(n_i / eta);
 * - a paused trial that is not promoted when its rung is decided is retired (`rungDecisions`
 *   lists it): the study ends it as pruned.
 *
 * Every decision is read from the history: a trial's target is attrs.budget, its rung results are
 * its intermediate values at the rung budgets, and it was promoted from a rung when its target (or
 * a step it reported) lies above the rung. A lost trial's retry (attrs.retryOf) continues the same
 * configuration, so `configurations` merges the two and a rung counts each configuration once.
 */
import { LoomError, showValue } from '../../util/errors.js';
import type { FrozenTrial, StudyView } from '../study/trial.js';
import { checkBudgets, checkEta, pauseAtTarget, promotedPast, rungResults, targetBudget } from './rungs.js';
import type { Decision, NextTrial, Scheduler } from './scheduler.js';

/** n configurations at budget r. */
export interface Rung {
  readonly n: number;
  readonly r: number;
}

export interface BracketPlan {
  /** Configurations started in the bracket (rungs[0].n). */
  readonly n: number;
  readonly rungs: readonly Rung[];
}

/**
 * minBudget * eta^i while below maxBudget, then maxBudget. Where maxBudget / minBudget is a power
 * of eta (to within rounding, as a minBudget of 0.333333 is for 27 / 81) the rungs are counted down
 * from maxBudget instead, maxBudget * eta^-i, so that those at whole epochs are exactly whole:
 * 1/3, 1, 3, 9, 27 rather than 0.333333, 0.999999, ...
 */
export function rungBudgets(minBudget: number, maxBudget: number, eta: number): number[] {
  const levels = Math.log(maxBudget / minBudget) / Math.log(eta);
  const k = Math.round(levels);
  if (k > 0 && Math.abs(levels - k) < 1e-6) return Array.from({ length: k + 1 }, (_, i) => maxBudget / eta ** (k - i));
  const budgets: number[] = [];
  for (let i = 0; minBudget * eta ** i < maxBudget; i++) budgets.push(minBudget * eta ** i);
  budgets.push(maxBudget);
  return budgets;
}

/** n_i = floor(n / eta^i) configurations, at least one (so a trial reaches maxBudget), at each budget. */
export function successiveHalvingRungs(n: number, minBudget: number, maxBudget: number, eta: number): Rung[] {
  return rungBudgets(minBudget, maxBudget, eta).map((r, i) => ({ n: Math.max(1, Math.floor(n / eta ** i)), r }));
}

/**
 * One entry per configuration, in creation order: a trial merged with its retries (attrs.retryOf
 * chains), carrying the latest attempt's id, state and attrs and every attempt's reports. At a step
 * reported by several attempts the first value stands: a retry that starts over does not re-rank a
 * rung that was decided on the first.
 */
export function configurations(trials: readonly FrozenTrial[]): FrozenTrial[] {
  const byNumber = new Map(trials.map((t) => [t.number, t]));
  const groups = new Map<number, FrozenTrial[]>();
  for (const trial of trials) {
    let root = trial;
    for (;;) {
      const parent = typeof root.attrs.retryOf === 'number' ? byNumber.get(root.attrs.retryOf) : undefined;
      if (!parent || parent.number >= root.number) break;
      root = parent;
    }
    const group = groups.get(root.number);
    if (group) group.push(trial);
    else groups.set(root.number, [trial]);
  }
  return [...groups.values()].map((attempts) => {
    const latest = attempts[attempts.length - 1];
    if (attempts.length === 1) return latest;
    const intermediate = new Map<number, number>();
    for (const attempt of attempts) {
      for (const [step, value] of attempt.intermediate) if (!intermediate.has(step)) intermediate.set(step, value);
    }
    return { ...latest, intermediate };
  });
}

/** Where one rung of a bracket stands. Trials are named by the id of their latest attempt. */
export interface RungDecision {
  readonly budget: number;
  /** The planned number of configurations at the rung. */
  readonly size: number;
  /** Trials with a result at the rung, best first (ties: the earlier trial). */
  readonly ranked: readonly number[];
  /** Trials running (or queued to run) toward this budget. */
  readonly pending: readonly number[];
  /** Trials sent on from the rung. */
  readonly promoted: readonly number[];
  /** The rung's results are final: the rungs below are done, and no trial is still on its way here. */
  readonly decided: boolean;
  /** Paused trials to resume at the next rung's budget now, best first (a decided rung only). */
  readonly promote: readonly number[];
  /** Paused trials that stay paused for good: not among the best when the rung was decided. */
  readonly retired: readonly number[];
}

const active = (t: FrozenTrial): boolean => t.state === 'running' || t.state === 'waiting';

/** The state of every rung of `plan`, read from `members` (default: every configuration of the study). */
export function rungDecisions(study: StudyView, plan: BracketPlan, members: readonly FrozenTrial[] = configurations(study.trials())): RungDecision[] {
  const decisions: RungDecision[] = [];
  // Rung 0 can only be decided once all n configurations started; rung i once rung i-1 sent all it will.
  let belowDone = members.length >= plan.n;
  plan.rungs.forEach((rung, i) => {
    const keep = i + 1 < plan.rungs.length ? plan.rungs[i + 1].n : 0;
    const ranked = rungResults(study, members, rung.r);
    // A trial with a result at its target but not yet paused is still pending: it is not resumable yet.
    const pending = members.filter((t) => active(t) && targetBudget(t) === rung.r);
    const promoted = members.filter((t) => promotedPast(t, rung.r));
    const decided = belowDone && pending.length === 0;
    const waiting = ranked.filter((t) => t.state === 'paused' && !promotedPast(t, rung.r));
    // Counting promotions (not re-ranking the top `keep`) keeps the total at `keep` even if a resumed
    // trial reports this step again with another value.
    const slots = Math.max(0, keep - promoted.length);
    const best = new Set(ranked.slice(0, keep));
    const promote = decided ? waiting.filter((t) => best.has(t)).slice(0, slots) : [];
    const retired = decided ? waiting.filter((t) => !promote.includes(t)) : [];
    belowDone = decided && promote.length === 0;
    const ids = (list: readonly FrozenTrial[]): number[] => list.map((t) => t.id);
    decisions.push({ budget: rung.r, size: rung.n, ranked: ids(ranked), pending: ids(pending), promoted: ids(promoted), decided, promote: ids(promote), retired: ids(retired) });
  });
  return decisions;
}

/** The next job of a bracket: a new trial, a promotion, a wait for a rung to fill, or null when the bracket is over. */
export function nextInBracket(
  study: StudyView,
  plan: BracketPlan,
  members: readonly FrozenTrial[],
  attrs?: Readonly<Record<string, unknown>>,
): NextTrial | null {
  if (members.length < plan.n) return attrs ? { kind: 'new', budget: plan.rungs[0].r, attrs } : { kind: 'new', budget: plan.rungs[0].r };
  const decisions = rungDecisions(study, plan, members);
  for (let i = 0; i < decisions.length; i++) {
    if (!decisions[i].decided) return { kind: 'wait' };
    if (decisions[i].promote.length > 0) return { kind: 'resume', trialId: decisions[i].promote[0], budget: plan.rungs[i + 1].r };
  }
  return null;
}

export interface SuccessiveHalvingOptions {
  /** Configurations to start (the paper's n). */
  readonly n: number;
  readonly minBudget: number;
  readonly maxBudget: number;
  /** Default 3. */
  readonly eta?: number;
}

export class SuccessiveHalvingScheduler implements Scheduler {
  readonly name = 'successive-halving';
  readonly maxBudget: number;
  readonly plan: BracketPlan;

  constructor(options: SuccessiveHalvingOptions) {
    if (!Number.isInteger(options.n) || options.n < 1) throw new LoomError(`successive-halving: n must be an integer >= 1, got ${showValue(options.n)}`);
    checkBudgets('successive-halving', options.minBudget, options.maxBudget);
    const eta = options.eta ?? 3;
    checkEta('successive-halving', eta);
    this.maxBudget = options.maxBudget;
    this.plan = { n: options.n, rungs: successiveHalvingRungs(options.n, options.minBudget, options.maxBudget, eta) };
  }

  nextTrial(study: StudyView): NextTrial {
    return nextInBracket(study, this.plan, configurations(study.trials())) ?? { kind: 'done' };
  }

  onReport(_study: StudyView, trial: FrozenTrial, step: number): Decision {
    return pauseAtTarget(trial, step, this.maxBudget);
  }

  retired(study: StudyView): number[] {
    return this.decisions(study).flatMap((d) => d.retired);
  }

  /** Where each rung stands (see rungDecisions). */
  decisions(study: StudyView): RungDecision[] {
    return rungDecisions(study, this.plan);
  }
}
