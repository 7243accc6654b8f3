/**
 * A Little Is Enough, ALIE (Baruch, Baruch, Goldberg, NeurIPS 2019): every Byzantine worker sends
 * mean - z * std, coordinate-wise over the honest vectors. z is `z` when given; otherwise the
 * paper's z_max for n = honest + f workers: s = floor(n/2 + 1) - f, z_max = Phi^-1((n - s) / n).
 * (Some implementations use Phi^-1((n - f - s) / (n - f)) — pass `z` for those.) The standard
 * deviation is the unbiased one (n_honest - 1 in the denominator, as torch.std and ByzFL) unless
 * `std: 'population'`.
 */
import { RobustRuleError } from '../aggregator.js';
import { checkHonest, copies, honestMean, type Attack } from '../attack.js';
import { normalQuantile } from './normal-quantile.js';

export interface AlieOptions {
  readonly z?: number;
  readonly std?: 'unbiased' | 'population';
}

/** The paper's z_max for n workers of which f are Byzantine. */
export function alieZMax(n: number, f: number): number {
  const s = Math.floor(n / 2 + 1) - f;
  return normalQuantile((n - s) / n);
}

export function alie(options: AlieOptions = {}): Attack {
  if (options.z !== undefined && !Number.isFinite(options.z)) throw new RobustRuleError(`alie: z must be a finite number; got ${options.z}`);
  const unbiased = (options.std ?? 'unbiased') === 'unbiased';
  return {
    name: 'alie',
    forge(honest, f) {
      const d = checkHonest('alie', honest);
      const h = honest.length;
      const z = options.z ?? alieZMax(h + f, f);
      const mean = honestMean(honest);
      const forged = new Float64Array(d);
      const denominator = unbiased ? Math.max(1, h - 1) : h;
      for (let j = 0; j < d; j++) {
        let ss = 0;
        for (const v of honest) ss += (v[j]! - mean[j]!) ** 2;
        forged[j] = mean[j]! - z * Math.sqrt(ss / denominator);
      }
      return copies(forged, f);
    },
  };
}
