/**
 * Mimic (Karimireddy, He, Jaggi, "Byzantine-Robust Learning on Heterogeneous Datasets via
 * Bucketing", ICLR 2022): every Byzantine worker copies one honest worker's vector, over-weighting
 * that worker's data under heterogeneity. Option `target` is the honest index (default 0).
 */
import { z } from 'zod';
import { RobustRuleError } from '../aggregator.js';
import { checkHonest, copies, type Attack } from '../attack.js';
import { nonNegativeInteger } from '../option-fields.js';
import { checkArgument } from '../options.js';

/** As configs write it: `{ type: mimic, target: 0 }` (below the honest count, checked per round). */
export const mimicOptionsSchema = z.strictObject({ target: nonNegativeInteger.default(0) });

export function mimic(target = 0): Attack {
  checkArgument('mimic', 'target', nonNegativeInteger, target);
  return {
    name: 'mimic',
    forge(honest, f) {
      checkHonest('mimic', honest);
      if (target >= honest.length) throw new RobustRuleError(`mimic: target ${target} is not an honest index (${honest.length} honest vectors)`);
      return copies(honest[target]!, f);
    },
  };
}
