/**
 * Squared Euclidean distances between every pair of n vectors, as an n x n Float64Array (row-major,
 * zero diagonal), NaN pairs at +Infinity.
 *
 * With the native kernels, from the Gram matrix by the SGEMM (||a||^2 + ||b||^2 - 2 a.b; the
 * matrix product does the work at GEMM speed), within a relative 2^-11 of the exact distance
 * (typically ~1e-6): pairs where the subtraction could cancel more than that are recomputed from
 * their differences (native/robust_distances.cc). Without them, `exactPairwiseSquaredDistances`.
 */
import { robustKernels } from './aggregators/native-path.js';
import { squaredDistance } from './vectors.js';

export function pairwiseSquaredDistances(inputs: readonly Float32Array[]): Float64Array {
  const native = robustKernels();
  return native !== null && inputs.length > 0 ? native.pairwiseSquaredDistances(inputs) : exactPairwiseSquaredDistances(inputs);
}

/** Every pair by `squaredDistance` (differences in double). */
export function exactPairwiseSquaredDistances(inputs: readonly Float32Array[]): Float64Array {
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
