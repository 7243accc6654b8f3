/**
 * A Little Is Enough, ALIE (Baruch, Baruch, Goldberg, NeurIPS 2019): every Byzantine worker sends
 * mean - z * std, coordinate-wise over the honest vectors. z is `z` when given; otherwise the
 * paper's z_max for n = honest + f workers: s = floor(n/2 + 1) - f, z_max = Phi^-1((n - s) / n).
 * (Some implementations use Phi^-1((n - f - s) / (n - f)) — pass `z` for those.) The standard
 * deviation is the unbiased one (n_honest - 1 in the denominator, as torch.std and ByzFL) unless
 * `std: 'population'`.
 */
import { z } from 'zod';
import { checkHonest, copies, honestMean, honestStd, type Attack } from '../attack.js';
import { finiteNumber, oneOf } from '../option-fields.js';
import { parseOptions } from '../options.js';
import { normalQuantile } from './normal-quantile.js';
import { plusScaled } from '../vectors.js';

/** Which standard deviation of the honest vectors (optimal ALIE takes it too). */
export const alieStd = oneOf(['unbiased', 'population']).default('unbiased');

export const alieOptionsSchema = z.strictObject({
  /** The strength; default the paper's z_max for the round's n and f. */
  z: finiteNumber.optional(),
  std: alieStd,
});

export type AlieOptions = z.input<typeof alieOptionsSchema>;

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
  const { z: strength, std } = parseOptions('attack', 'alie', alieOptionsSchema, options);
  return {
    name: 'alie',
    forge(honest, f) {
      checkHonest('alie', honest);
      return copies(alieDirection(honest, std)(strength ?? alieZMax(honest.length + f, f)), f);
    },
  };
}
