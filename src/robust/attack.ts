/**
 * The seam of Byzantine attacks: given the honest workers' vectors of one round, forge the f
 * vectors the Byzantine workers send. Omniscient attacks (ALIE, IPM, sign flipping, mimic) read the
 * honest vectors; the others use only their length.
 */
import { RobustRuleError } from './aggregator.js';

export interface Attack {
  readonly name: string;
  forge(honest: readonly Float32Array[], f: number): Float32Array[];
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

/** f copies of one vector. */
export function copies(v: ArrayLike<number>, f: number): Float32Array[] {
  return Array.from({ length: f }, () => Float32Array.from(v));
}
