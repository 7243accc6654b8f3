/**
 * MinMax and MinSum (Shejwalkar, Houmansadr, "Manipulating the Byzantine: Optimizing Model
 * Poisoning Attacks and Defenses for Federated Learning", NDSS 2021): every Byzantine worker sends
 * mean - gamma * p for a perturbation direction p, with the largest gamma (found by the paper's
 * halving search from gamma_init, to within `tolerance`) for which the forged vector is no further
 * from the honest vectors than they are from each other:
 *   MinMax: max_i ||m - x_i|| <= max_{i,j} ||x_i - x_j||
 *   MinSum: sum_i ||m - x_i||^2 <= max_i sum_j ||x_i - x_j||^2
 * p is the unit vector of the mean (`unit`, default, the paper's code), the coordinate-wise std
 * (`std`) or the mean's sign (`sign`). Defaults gamma_init 10, tolerance 1e-5 (the paper's code).
 */
import { z } from 'zod';
import { checkHonest, copies, honestMean, honestStd, type Attack } from '../attack.js';
import { oneOf, positiveNumber } from '../option-fields.js';
import { parseOptions } from '../options.js';
import { pairwiseSquaredDistances } from '../pairwise-distances.js';
import { norm, plusScaled, squaredDistance } from '../vectors.js';

/** MinMax's and MinSum's options. */
export const minMaxOptionsSchema = z.strictObject({
  direction: oneOf(['unit', 'std', 'sign']).default('unit'),
  gammaInit: positiveNumber.default(10),
  tolerance: positiveNumber.default(1e-5),
});

export type MinMaxOptions = z.input<typeof minMaxOptionsSchema>;
export type PerturbationDirection = z.output<typeof minMaxOptionsSchema>['direction'];

function perturbation(honest: readonly Float32Array[], mean: Float64Array, direction: PerturbationDirection): Float64Array {
  if (direction === 'std') return honestStd(honest, mean);
  if (direction === 'sign') return mean.map(Math.sign);
  const length = norm(mean);
  return length > 0 ? mean.map((m) => m / length) : new Float64Array(mean.length);
}

/** The paper's search: the largest gamma in (0, ~2 gamma_init) passing `accepts`, 0 if none does. */
function largestGamma(accepts: (gamma: number) => boolean, gammaInit: number, tolerance: number): number {
  let gamma = gammaInit;
  let step = gammaInit / 2;
  let accepted = 0;
  while (Math.abs(accepted - gamma) > tolerance && step > tolerance / 4) {
    if (accepts(gamma)) {
      accepted = gamma;
      gamma += step;
    } else {
      gamma -= step;
    }
    step /= 2;
  }
  return accepted;
}

function minMaxFamily(name: 'min-max' | 'min-sum', options: MinMaxOptions): Attack {
  const { direction, gammaInit, tolerance } = parseOptions('attack', name, minMaxOptionsSchema, options);
  return {
    name,
    forge(honest, f) {
      checkHonest(name, honest);
      const h = honest.length;
      const mean = honestMean(honest);
      const p = perturbation(honest, mean, direction);
      const distances = pairwiseSquaredDistances(honest);
      let bound = 0;
      for (let i = 0; i < h; i++) {
        let rowSum = 0;
        for (let k = 0; k < h; k++) {
          const d2 = distances[i * h + k]!;
          rowSum += d2;
          if (name === 'min-max') bound = Math.max(bound, d2);
        }
        if (name === 'min-sum') bound = Math.max(bound, rowSum);
      }
      const forgeAt = (gamma: number): Float32Array => plusScaled(mean, -gamma, p);
      const accepts = (gamma: number): boolean => {
        const m = forgeAt(gamma);
        let worst = 0;
        for (const x of honest) {
          const d2 = squaredDistance(m, x);
          worst = name === 'min-max' ? Math.max(worst, d2) : worst + d2;
        }
        return worst <= bound;
      };
      return copies(forgeAt(largestGamma(accepts, gammaInit, tolerance)), f);
    },
  };
}

export function minMax(options: MinMaxOptions = {}): Attack {
  return minMaxFamily('min-max', options);
}

export function minSum(options: MinMaxOptions = {}): Attack {
  return minMaxFamily('min-sum', options);
}
