/**
 * Squared Euclidean distances between every pair of n vectors, as an n x n Float64Array (row-major,
 * zero diagonal), by `squaredDistance` (NaN pairs at +Infinity).
 */
import { squaredDistance } from './vectors.js';

export function pairwiseSquaredDistances(inputs: readonly Float32Array[]): Float64Array {
  const n = inputs.length;
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const distance = squaredDistance(inputs[a]!, inputs[b]!);
      out[a * n + b] = distance;
      out[b * n + a] = distance;
    }
  }
  return out;
}
