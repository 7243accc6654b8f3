/**
 * Mimic (Karimireddy, He, Jaggi, "Byzantine-Robust Learning on Heterogeneous Datasets via
 * Bucketing", ICLR 2022): every Byzantine worker copies one honest worker's vector, over-weighting
 * that worker's data under heterogeneity. Option `target` is the honest index (default 0).
 */
import { RobustRuleError } from '../aggregator.js';
import { checkHonest, copies, type Attack } from '../attack.js';

export function mimic(target = 0): Attack {
  if (!Number.isInteger(target) || target < 0) throw new RobustRuleError(`mimic: target must be a non-negative integer; got ${target}`);
  return {
    name: 'mimic',
    forge(honest, f) {
      checkHonest('mimic', honest);
      if (target >= honest.length) throw new RobustRuleError(`mimic: target ${target} is not an honest index (${honest.length} honest vectors)`);
      return copies(honest[target]!, f);
    },
  };
}
