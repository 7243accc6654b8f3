/** Random proportions over clients and turning proportions into whole sample counts. */
import type { Rng } from '../../util/rng.js';

/** A draw from the symmetric Dirichlet(alpha, ..., alpha) over `n` outcomes, via normalised gammas. */
export function sampleDirichlet(rng: Rng, alpha: number, n: number): Float64Array {
  const p = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    p[i] = rng.gamma(alpha);
    sum += p[i];
  }
  if (sum === 0) {
    // Every gamma underflowed (alpha of ~0.01 or less): the draw is, in the limit, one-hot.
    p[rng.int(n)] = 1;
    return p;
  }
  for (let i = 0; i < n; i++) p[i] /= sum;
  return p;
}

/**
 * Where to cut `total` consecutive items so that part i gets a `proportions[i]` share:
 * floor(cumulative share * total), as `np.split(idx, (np.cumsum(p) * len(idx)).astype(int)[:-1])`.
 * Returns n + 1 offsets from 0 to total.
 */
export function cutPoints(proportions: ArrayLike<number>, total: number): Int32Array {
  const n = proportions.length;
  const cuts = new Int32Array(n + 1);
  let cumulative = 0;
  for (let i = 0; i < n - 1; i++) {
    cumulative += proportions[i];
    cuts[i + 1] = Math.min(total, Math.max(cuts[i], Math.floor(cumulative * total)));
  }
  cuts[n] = total;
  return cuts;
}

/**
 * Whole sizes summing to `total`: each part first gets `minSize`, the rest is shared in proportion
 * by the largest-remainder method (ties to the lower index). Needs total >= n * minSize.
 */
export function sizesFromProportions(proportions: ArrayLike<number>, total: number, minSize: number): Int32Array {
  const n = proportions.length;
  const rest = total - n * minSize;
  let weightSum = 0;
  for (let i = 0; i < n; i++) weightSum += proportions[i];
  const sizes = new Int32Array(n);
  const remainders = new Float64Array(n);
  let assigned = 0;
  for (let i = 0; i < n; i++) {
    const exact = (rest * proportions[i]) / weightSum;
    sizes[i] = Math.floor(exact);
    remainders[i] = exact - sizes[i];
    assigned += sizes[i];
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => remainders[b] - remainders[a] || a - b);
  for (let k = 0; assigned < rest; k++, assigned++) sizes[order[k % n]]++;
  for (let i = 0; i < n; i++) sizes[i] += minSize;
  return sizes;
}
