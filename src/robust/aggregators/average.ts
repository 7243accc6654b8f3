/**
 * The arithmetic mean: what plain synchronous SGD computes, and what a single Byzantine input can
 * move arbitrarily far (Blanchard et al., "Machine Learning with Adversaries: Byzantine Tolerant
 * Gradient Descent", NeurIPS 2017, Lemma 1). The baseline every robust rule is compared with.
 */
import { checkF, checkInputs, type Aggregator } from '../aggregator.js';

export function average(f = 0): Aggregator {
  checkF('average', f);
  return {
    name: 'average',
    f,
    aggregate(inputs, out) {
      const n = checkInputs('average', inputs, out);
      const d = out.length;
      const sum = new Float64Array(d);
      for (const v of inputs) for (let j = 0; j < d; j++) sum[j]! += v[j]!;
      for (let j = 0; j < d; j++) out[j] = sum[j]! / n;
    },
  };
}
