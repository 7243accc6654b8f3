/**
 * Sign flipping (Allen-Zhu, Ebrahimian, Li, Alistarh, "Byzantine-Resilient Non-Convex Stochastic
 * Gradient Descent", ICLR 2021, and ByzFL): every Byzantine worker sends the negated mean of the
 * honest vectors.
 */
import { checkHonest, copies, honestMean, type Attack } from '../attack.js';

export function signFlipping(): Attack {
  return {
    name: 'sign-flipping',
    forge(honest, f) {
      checkHonest('sign-flipping', honest);
      return copies(Array.from(honestMean(honest), (v) => -v), f);
    },
  };
}
