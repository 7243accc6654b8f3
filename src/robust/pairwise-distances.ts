/**
 * Squared Euclidean distances between every pair of n vectors, as an n x n Float64Array (row-major,
 * zero diagonal), accumulated in double precision directly from the differences (no
 * |a|^2 + |b|^2 - 2ab cancellation). Non-finite inputs give +Infinity distances, so a NaN vector is
 * as far as possible from everything (NaN would otherwise poison every comparison).
 */
export function pairwiseSquaredDistances(inputs: readonly Float32Array[]): Float64Array {
  const n = inputs.length;
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    const x = inputs[a]!;
    for (let b = a + 1; b < n; b++) {
      const y = inputs[b]!;
      let sum = 0;
      for (let j = 0; j < x.length; j++) {
        const diff = x[j]! - y[j]!;
        sum += diff * diff;
      }
      const distance = Number.isNaN(sum) ? Infinity : sum;
      out[a * n + b] = distance;
      out[b * n + a] = distance;
    }
  }
  return out;
}
