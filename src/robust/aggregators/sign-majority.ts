/**
 * Sign majority vote (Bernstein, Zhao, Azizzadenesheli, Anandkumar, "signSGD with Majority Vote is
 * Communication Efficient and Fault Tolerant", ICLR 2019): per coordinate, the sign of the sum of
 * the inputs' signs, in {-1, 0, +1} (0 on a tie or where every input is 0). NaN votes 0.
 * Needs n > 2f (a Byzantine minority cannot flip a unanimous honest vote).
 */
import { defineRule, HONEST_MAJORITY, type Aggregator } from '../aggregator.js';

export function signMajority(f: number): Aggregator {
  return defineRule('sign-majority', f, HONEST_MAJORITY, (inputs, out) => {
    const votes = new Int32Array(out.length);
    for (const x of inputs) for (let j = 0; j < out.length; j++) votes[j]! += x[j]! > 0 ? 1 : x[j]! < 0 ? -1 : 0;
    for (let j = 0; j < out.length; j++) out[j] = Math.sign(votes[j]!);
  });
}
