/**
 * The seam of Byzantine attacks: given the vectors the attackers observe in one round, forge the f
 * vectors the Byzantine workers send. An omniscient attacker observes the honest workers' vectors;
 * a non-omniscient one only the gradients its own workers compute on their own data (which the
 * runtime chooses per run). Vector attacks (ALIE, IPM, MinMax, ...) work from either; Gaussian
 * noise and non-finite vectors read only the dimension. A data-level attack (label flipping) has
 * `relabel`: its workers compute honestly on relabelled targets and send what they observe.
 */
import { RobustRuleError } from './aggregator.js';

export interface Attack {
  readonly name: string;
  forge(observed: readonly Float32Array[], f: number): Float32Array[];
  /** The targets a Byzantine worker trains on in place of its batch's (data-level attacks only). */
  relabel?(targets: Int32Array, classes: number): Int32Array;
}

/** Checks a round's honest vectors (at least one, equal lengths) and returns the dimension. */
export function checkHonest(attack: string, honest: readonly Float32Array[]): number {
  if (honest.length === 0) throw new RobustRuleError(`${attack}: no honest vectors to attack`);
  const d = honest[0]!.length;
  honest.forEach((v, i) => {
    if (v.length !== d) throw new RobustRuleError(`${attack}: honest vector ${i} has ${v.length} values; vector 0 has ${d}`);
  });
  return d;
}

/** The coordinate-wise mean of the honest vectors, in double precision. */
export function honestMean(honest: readonly Float32Array[]): Float64Array {
  const d = honest[0]!.length;
  const mean = new Float64Array(d);
  for (const v of honest) for (let j = 0; j < d; j++) mean[j]! += v[j]! / honest.length;
  return mean;
}

/**
 * The coordinate-wise standard deviation of the honest vectors around `mean`: unbiased (h - 1 in
 * the denominator, as torch.std) or the population one. A single vector has zero spread.
 */
export function honestStd(honest: readonly Float32Array[], mean: Float64Array, unbiased = true): Float64Array {
  const d = mean.length;
  const h = honest.length;
  const std = new Float64Array(d);
  for (const v of honest) for (let j = 0; j < d; j++) std[j]! += (v[j]! - mean[j]!) ** 2;
  const denominator = unbiased ? Math.max(1, h - 1) : h;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]! / denominator);
  return std;
}

/** f copies of one vector. */
export function copies(v: ArrayLike<number>, f: number): Float32Array[] {
  return Array.from({ length: f }, () => Float32Array.from(v));
}
