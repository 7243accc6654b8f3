/**
 * Label flipping (Allen-Zhu et al., ICLR 2021; ByzFL's `9 - y` on ten classes): a data-level
 * attack. Each Byzantine worker computes an honest gradient on its batch with every label y
 * replaced by classes - 1 - y, and sends it; `forge` hands back the gradients its workers observed
 * (their own), one per Byzantine worker.
 */
import { RobustRuleError } from '../aggregator.js';
import { checkHonest, type Attack } from '../attack.js';

export function labelFlipping(): Attack {
  return {
    name: 'label-flipping',
    relabel(targets, classes) {
      if (!Number.isInteger(classes) || classes < 2) throw new RobustRuleError(`label-flipping: needs a classification dataset; got ${classes} classes`);
      return targets.map((y) => {
        if (y < 0 || y >= classes) throw new RobustRuleError(`label-flipping: label ${y} is outside 0..${classes - 1}`);
        return classes - 1 - y;
      });
    },
    forge(observed, f) {
      checkHonest('label-flipping', observed);
      if (observed.length !== f) {
        throw new RobustRuleError(`label-flipping: sends its ${f} workers' own gradients; observed ${observed.length} (it cannot be omniscient)`);
      }
      return observed.map((v) => Float32Array.from(v));
    },
  };
}
