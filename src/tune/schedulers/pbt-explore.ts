/**
 * PBT's explore step: a copied hyperparameter is perturbed — a number multiplied by one of the
 * perturbation factors, a categorical moved to an adjacent choice — or, with the resample
 * probability, drawn again from its distribution. Unlike Ray Tune's default explore, a perturbed
 * number stays a value its distribution can produce: clipped into the range and rounded to the
 * step (an int to an integer).
 * M. Jaderberg et al., "Population Based Training of Neural Networks", arXiv:1711.09846, 2017
 * (section 4, "perturb" and "resample"); the defaults after Ray Tune's PopulationBasedTraining.
 */
import type { Rng } from '../../util/rng.js';
import { fromUnit, type Distribution, type FloatDistribution, type IntDistribution, type ParamValue } from '../space/distribution.js';

export interface ExploreOptions {
  /** The chance that a value is drawn again from its distribution instead of perturbed. */
  readonly resampleProbability: number;
  /** A perturbed number is multiplied by one of these, each as likely. */
  readonly factors: readonly number[];
}

/** `value` explored with draws from `rng`: the first decides resample or perturb. */
export function perturb(distribution: Distribution, value: ParamValue, rng: Rng, options: ExploreOptions): ParamValue {
  const resample = rng.next() < options.resampleProbability;
  if (distribution.kind === 'categorical') {
    const { choices } = distribution;
    const index = choices.indexOf(value);
    if (resample || index < 0) return choices[rng.int(choices.length)];
    const shift = rng.next() < 0.5 ? -1 : 1;
    return choices[Math.min(choices.length - 1, Math.max(0, index + shift))];
  }
  if (resample || typeof value !== 'number') return fromUnit(distribution, rng.next());
  return clipToDistribution(distribution, value * options.factors[rng.int(options.factors.length)]);
}

/**
 * The value of the distribution nearest `raw`: clipped to [low, high], then on the step grid
 * (low + k * step) and an integer for an int. The rounding is distribution.ts's, without the log
 * round trip that would leave 0.06 as 0.060000000000000005.
 */
export function clipToDistribution(d: FloatDistribution | IntDistribution, raw: number): number {
  let v = Math.min(d.high, Math.max(d.low, raw));
  if (d.step !== null) {
    v = Math.min(d.high, d.low + Math.round((v - d.low) / d.step) * d.step);
    if (d.kind === 'float') v = Number(v.toPrecision(15)); // 0.1 * 3 is 0.30000000000000004
  }
  return d.kind === 'int' ? Math.round(v) : v;
}
