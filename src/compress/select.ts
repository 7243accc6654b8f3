/**
 * Selecting the k largest magnitudes of a vector in O(n) expected time (Hoare's quickselect on
 * |x|, with a seeded pivot), as the sparsifiers need at every step. Ties are broken by index, so
 * the selection is deterministic.
 */

/**
 * Indices of the k entries of largest |values[i]|, in increasing index order. `scratch` (optional,
 * length >= values.length) avoids an allocation per call.
 */
export function topKIndices(values: Float32Array, k: number, scratch?: Int32Array): Int32Array {
  const n = values.length;
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const result = new Int32Array(k);
  if (k <= 0) return result;
  const order = scratch && scratch.length >= n ? scratch.subarray(0, n) : new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Larger magnitude first; equal magnitudes: lower index first.
  const before = (a: number, b: number): boolean => {
    const ma = Math.abs(values[a]);
    const mb = Math.abs(values[b]);
    return ma > mb || (ma === mb && a < b);
  };
  let lo = 0;
  let hi = n - 1;
  let state = 0x9e3779b9 ^ n ^ (k << 7);
  while (lo < hi) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const pivot = order[lo + (state % (hi - lo + 1))];
    // Three-way partition around the pivot: [lo, lt) before, [lt, gt] the pivot, (gt, hi] after.
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = order[i];
      if (v === pivot) i++;
      else if (before(v, pivot)) {
        order[i] = order[lt];
        order[lt] = v;
        lt++;
        i++;
      } else {
        order[i] = order[gt];
        order[gt] = v;
        gt--;
      }
    }
    if (k - 1 < lt) hi = lt - 1;
    else if (k - 1 > gt) lo = gt + 1;
    else break;
  }
  result.set(order.subarray(0, k));
  result.sort();
  return result;
}
