/**
 * The scheduler seam: what happens to a running trial when it reports an intermediate value, and
 * which trial a free worker runs next (after Ray Tune's TrialScheduler, which also does both).
 *
 * - `onReport` answers continue, stop (prune: the trial ends as 'pruned') or pause (the trial
 *   saves a checkpoint and waits: ASHA's rungs, PBT's exploit).
 * - `nextTrial` says whether a free worker should resume a paused trial (a promotion, with the
 *   budget it now runs to) or start a new one, and with what budget.
 *
 * Every decision is a function of the study's history (the journal), so a restarted tuner
 * rebuilds exactly the state the killed one had.
 */
import type { Distribution, ParamValue } from '../space/distribution.js';
import type { FrozenTrial, StudyView } from '../study/trial.js';

export type Decision = 'continue' | 'stop' | 'pause';

/** Parameters a scheduler sets itself on a new trial (the sampler draws only the others). */
export type PresetParams = Readonly<Record<string, { readonly distribution: Distribution; readonly value: ParamValue }>>;

export type NextTrial =
  /**
   * Start a new trial that runs until `budget` (its last report step), with these attrs (e.g.
   * bracket) and `params` preset. With `replaces`, the paused trial of that id ends (pruned, with
   * attrs.replacedBy) in the same append that creates the new one: PBT's exploit, which two
   * tuners can never both take.
   */
  | {
      readonly kind: 'new';
      readonly budget: number;
      readonly attrs?: Readonly<Record<string, unknown>>;
      readonly params?: PresetParams;
      readonly replaces?: number;
    }
  /** Resume paused trial `trialId` from its checkpoint and run it until `budget`. */
  | { readonly kind: 'resume'; readonly trialId: number; readonly budget: number }
  /** Nothing to run now (synchronous brackets waiting for their rung to fill). */
  | { readonly kind: 'wait' }
  /** The schedule is over. */
  | { readonly kind: 'done' };

export interface Scheduler {
  readonly name: string;
  /** The largest budget a trial may reach (its final step). */
  readonly maxBudget: number;
  nextTrial(study: StudyView): NextTrial;
  onReport(study: StudyView, trial: FrozenTrial, step: number, value: number): Decision;
  /**
   * Paused trials the schedule will never resume (synchronous brackets: not among the best when
   * their rung was decided). The study ends them as pruned, with attrs.retired.
   */
  retired?(study: StudyView): readonly number[];
}
