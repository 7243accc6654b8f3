/**
 * Inner-product manipulation, IPM (Xie, Koyejo, Gupta, "Fall of Empires: Breaking Byzantine-tolerant
 * SGD by Inner Product Manipulation", UAI 2020): every Byzantine worker sends -epsilon times the
 * honest mean, so that the aggregate's inner product with the true gradient turns negative.
 * Default epsilon = 0.1 (the paper's small-epsilon setting; ByzFL's default is 2).
 */
import { z } from 'zod';
import { checkHonest, copies, honestMean, type Attack } from '../attack.js';
import { positiveNumber } from '../option-fields.js';
import { checkArgument } from '../options.js';
import { plusScaled } from '../vectors.js';

/** As configs write it: `{ type: ipm, epsilon: 0.1 }`. */
export const ipmOptionsSchema = z.strictObject({ epsilon: positiveNumber.default(0.1) });

/** -epsilon * mean for any epsilon: IPM's vector as a function of its strength. */
export function ipmDirection(honest: readonly Float32Array[]): (epsilon: number) => Float32Array {
  const mean = honestMean(honest);
  return (epsilon) => plusScaled(null, -epsilon, mean);
}

export function innerProductManipulation(epsilon = 0.1): Attack {
  checkArgument('ipm', 'epsilon', positiveNumber, epsilon);
  return {
    name: 'ipm',
    forge(honest, f) {
      checkHonest('ipm', honest);
      return copies(ipmDirection(honest)(epsilon), f);
    },
  };
}
