/**
 * A Little Is Enough, ALIE (Baruch, Baruch, Goldberg, NeurIPS 2019): every Byzantine worker sends
 * mean - z * std, coordinate-wise over the honest vectors. z is `z` when given; otherwise the
 * paper's z_max for n = honest + f workers: s = floor(n/2 + 1) - f, z_max = Phi^-1((n - s) / n).
 * (Some implementations use Phi^-1((n - f - s) / (n - f)) — pass `z` for those.) The standard
 * deviation is the unbiased one (n_honest - 1 in the denominator, as torch.std and ByzFL) unless
 * `std: 'population'`.
 */
import { RobustRuleError } from '../aggregator.js';
import { checkHonest, copies, honestMean, honestStd, type Attack } from '../attack.js';
import { normalQuantile } from './normal-quantile.js';
import { plusScaled } from '../vectors.js';

export interface AlieOptions {
  readonly z?: number;
  readonly std?: 'unbiased' | 'population';
}

/** The paper's z_max for n workers of which f are Byzantine. */
export function alieZMax(n: number, f: number): number {
  const s = Math.floor(n / 2 + 1) - f;
  return normalQuantile((n - s) / n);
}

/** mean - z * std for any z: ALIE's vector as a function of its strength (optimal ALIE searches z). */
export function alieDirection(honest: readonly Float32Array[], std: AlieOptions['std'] = 'unbiased'): (z: number) => Float32Array {
  const mean = honestMean(honest);
  const spread = honestStd(honest, mean, std === 'unbiased');
  return (z) => plusScaled(mean, -z, spread);
}

export function alie(options: AlieOptions = {}): Attack {
  if (options.z !== undefined && !Number.isFinite(options.z)) throw new RobustRuleError(`alie: z must be a finite number; got ${options.z}`);
  return {
    name: 'alie',
    forge(honest, f) {
      checkHonest('alie', honest);
      const z = options.z ?? alieZMax(honest.length + f, f);
      return copies(alieDirection(honest, options.std)(z), f);
    },
  };
}
