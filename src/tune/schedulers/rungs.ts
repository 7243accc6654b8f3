/**
 * What successive halving reads from a study's history: which trials reached a rung (reported a
 * value at its budget), how they rank there, and which were promoted past it (their target
 * budget, attrs.budget, moved beyond the rung). Shared by Hyperband's brackets and ASHA.
 */
import { LoomError } from '../../util/errors.js';
import { lossOf, type FrozenTrial, type StudyView } from '../study/trial.js';

export function targetBudget(trial: FrozenTrial): number {
  return typeof trial.attrs.budget === 'number' ? trial.attrs.budget : Number.NaN;
}

/** The trials among `trials` with a result at `budget`, best (lowest loss) first, ties by trial number. */
export function rungResults(study: StudyView, trials: readonly FrozenTrial[], budget: number): FrozenTrial[] {
  const at = (t: FrozenTrial): number => lossOf(study.direction, t.intermediate.get(budget) as number);
  return trials.filter((t) => t.intermediate.has(budget)).sort((a, b) => at(a) - at(b) || a.number - b.number);
}

export function promotedPast(trial: FrozenTrial, budget: number): boolean {
  return targetBudget(trial) > budget || [...trial.intermediate.keys()].some((step) => step > budget);
}

/** onReport for promotion-based schedules: pause a trial at its target budget unless that is the last. */
export function pauseAtTarget(trial: FrozenTrial, step: number, maxBudget: number): 'pause' | 'continue' {
  const target = targetBudget(trial);
  return step >= target && target < maxBudget ? 'pause' : 'continue';
}

export function checkEta(scheduler: string, eta: number): void {
  if (!Number.isInteger(eta) || eta < 2) throw new LoomError(`${scheduler}: eta must be an integer >= 2, got ${eta}`);
}

export function checkBudgets(scheduler: string, minBudget: number, maxBudget: number): void {
  if (!(minBudget > 0) || !Number.isFinite(minBudget)) throw new LoomError(`${scheduler}: minBudget must be a positive number, got ${minBudget}`);
  if (!(maxBudget >= minBudget) || !Number.isFinite(maxBudget)) {
    throw new LoomError(`${scheduler}: maxBudget must be at least minBudget ${minBudget}, got ${maxBudget}`);
  }
}
