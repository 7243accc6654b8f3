import { expect } from 'vitest';
import type { Compressor } from '../compressor.js';

/** A compressor whose unsent remainder can be read: error feedback, 1-bit SGD, DGC with momentum 0. */
export type ErrorFeedbackCompressor = Pick<Compressor, 'encode' | 'decode'> & { pending(): Float32Array };

/** Dyadic inputs in [-6/64, 6/64] that change with the step: sums of them stay exact in float32. */
export function dyadicInput(n: number, step: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (((i * 7 + step * 5) % 13) - 6) / 64);
}

/**
 * Runs `steps` encode/decode rounds on `input(n, step)` and asserts at every step that
 * sum(decoded sent) + residual equals sum(inputs) exactly (sums taken in float64).
 * Returns a copy of the residual after each step, for further assertions.
 */
export function checkErrorFeedbackInvariant(
  compressor: ErrorFeedbackCompressor,
  n: number,
  steps: number,
  input: (n: number, step: number) => Float32Array = dyadicInput,
): Float32Array[] {
  const sent = new Float64Array(n);
  const inputs = new Float64Array(n);
  const decoded = new Float32Array(n);
  const residuals: Float32Array[] = [];
  for (let step = 0; step < steps; step++) {
    const x = input(n, step);
    compressor.decode(compressor.encode(x, step), decoded);
    for (let i = 0; i < n; i++) {
      sent[i] += decoded[i];
      inputs[i] += x[i];
    }
    const residual = compressor.pending().slice();
    expect([...sent].map((s, i) => s + residual[i]), `step ${step}`).toEqual([...inputs]);
    residuals.push(residual);
  }
  return residuals;
}
