/**
 * The sampler seam (after Optuna's BaseSampler: three methods). A trial's parameters come from
 * two places: `sampleRelative` draws, when the trial starts, a joint point over the space that the
 * sampler infers from earlier trials (multivariate TPE, GP-BO, QMC); every parameter not in that
 * space — a new one, or a conditional one — comes from `sampleIndependent` when the objective
 * first asks for it (define-by-run).
 *
 * Samplers are deterministic given their seed and the study's history, and see running trials
 * (with the parameters drawn so far), so parallel workers need not propose the same point.
 */
import type { Distribution, ParamValue } from '../space/distribution.js';
import type { FrozenTrial, StudyView } from '../study/trial.js';

export type SearchSpace = Readonly<Record<string, Distribution>>;

export interface Sampler {
  readonly name: string;
  /** The joint space to sample at the start of `trial`; {} for samplers that only sample independently. */
  inferRelativeSpace(study: StudyView, trial: FrozenTrial): SearchSpace;
  /** A joint point over `space` (every name in it). */
  sampleRelative(study: StudyView, trial: FrozenTrial, space: SearchSpace): Record<string, ParamValue>;
  /** One parameter's value, for a parameter outside the relative space. */
  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue;
  /** True once the sampler has nothing new to propose (a grid with every point taken): the study then starts no new trial. */
  exhausted?(study: StudyView): boolean;
}

/**
 * The parameters every finished-complete trial has with the same distribution — the space a
 * relative sampler can model jointly (Optuna's IntersectionSearchSpace).
 */
export function intersectionSpace(trials: readonly FrozenTrial[]): Record<string, Distribution> {
  let space: Record<string, Distribution> | null = null;
  for (const trial of trials) {
    if (trial.state !== 'complete') continue;
    if (space === null) {
      space = { ...trial.distributions };
      continue;
    }
    for (const name of Object.keys(space)) {
      const d = trial.distributions[name];
      if (!d || JSON.stringify(d) !== JSON.stringify(space[name])) delete space[name];
    }
  }
  return space ?? {};
}
