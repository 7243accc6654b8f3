/**
 * Centered clipping (Karimireddy, He, Jaggi, "Learning from History for Byzantine Robust
 * Optimization", ICML 2021): starting from the previous round's aggregate v (zero at first),
 * repeat L times v <- v + (1/n) sum_i clip(x_i - v, tau), clip(z, tau) = z min(1, tau / ||z||).
 * Stateful: each call starts where the last ended (`reset()` forgets). Defaults tau = 100, L = 1
 * (ByzFL's). Needs n > 2f. A non-finite input difference is clipped to zero (it carries no
 * direction that could be trusted).
 */
import { z } from 'zod';
import { defineRule, HONEST_MAJORITY, type Aggregator } from '../aggregator.js';
import { positiveInteger, positiveNumber } from '../option-fields.js';
import { parseOptions } from '../options.js';
import { squaredDistance } from '../vectors.js';

export const centeredClippingOptionsSchema = z.strictObject({
  /** The clipping radius. */
  tau: positiveNumber.default(100),
  /** L, the clipping steps per round. */
  iterations: positiveInteger.default(1),
});

export type CenteredClippingOptions = z.input<typeof centeredClippingOptionsSchema>;

export interface CenteredClipping extends Aggregator {
  /** Forgets the previous aggregate (the next call starts from zero). */
  reset(): void;
}

export function centeredClipping(f: number, options: CenteredClippingOptions = {}): CenteredClipping {
  const { tau, iterations } = parseOptions('aggregator', 'centered-clipping', centeredClippingOptionsSchema, options);
  let center: Float64Array | null = null;
  const rule = defineRule('centered-clipping', f, HONEST_MAJORITY, (inputs, out, n) => {
    const d = out.length;
    if (center === null || center.length !== d) center = new Float64Array(d);
    const v = center;
    const step = new Float64Array(d);
    for (let l = 0; l < iterations; l++) {
      step.fill(0);
      for (const x of inputs) {
        const norm = Math.sqrt(squaredDistance(x, v));
        if (!Number.isFinite(norm)) continue;
        const scale = norm > tau ? tau / norm : 1;
        for (let j = 0; j < d; j++) step[j]! += (x[j]! - v[j]!) * scale;
      }
      for (let j = 0; j < d; j++) v[j]! += step[j]! / n;
    }
    for (let j = 0; j < d; j++) out[j] = v[j]!;
  });
  return {
    ...rule,
    reset() {
      center = null;
    },
  };
}
