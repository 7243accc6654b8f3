/** The vector arithmetic the robust rules share, in double precision. */

/** The Euclidean norm; NaN where an entry is NaN. */
export function norm(x: Float32Array | Float64Array): number {
  let sum = 0;
  for (let j = 0; j < x.length; j++) sum += x[j]! * x[j]!;
  return Math.sqrt(sum);
}

/**
 * ||a - b||^2 from the differences (no |a|^2 + |b|^2 - 2ab cancellation); +Infinity where it
 * would be NaN, so a NaN vector is as far as possible from everything (NaN would otherwise poison
 * every comparison).
 */
export function squaredDistance(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) {
    const diff = a[j]! - b[j]!;
    sum += diff * diff;
  }
  return Number.isNaN(sum) ? Infinity : sum;
}

/** a + s * b as float32 (a absent: s * b), in one plain loop (no per-element callback). */
export function plusScaled(a: ArrayLike<number> | null, s: number, b: ArrayLike<number>): Float32Array {
  const out = new Float32Array(b.length);
  if (a === null) for (let j = 0; j < out.length; j++) out[j] = s * b[j]!;
  else for (let j = 0; j < out.length; j++) out[j] = a[j]! + s * b[j]!;
  return out;
}
