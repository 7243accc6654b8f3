/**
 * The k entries of largest magnitude, fast at small k by sampling (Lin et al., "Deep Gradient
 * Compression", ICLR 2018, Section 3: the threshold is estimated on a sample), and exact: the
 * result equals select.ts's topKIndices (the plain quickselect kept as the reference), ties included.
 */

/** Expected sampled entries among the top k: enough that the sampled threshold rarely overshoots. */
const SAMPLED_IN_TOP = 16;

/** |x|, with NaN as the largest magnitude (so a NaN is sent, and seen). */
function magnitude(x: number): number {
  const m = Math.abs(x);
  return m === m ? m : Infinity;
}

/**
 * The indices of the k entries of largest |values[i]|, in increasing order; equal magnitudes: lower
 * index first: exactly select.ts's topKIndices, faster at small k by the paper's sampling. A
 * threshold is estimated on a sample (the magnitude about 2k entries reach), the entries that reach
 * it are gathered in one pass, and a quickselect among them finds the exact k-th. Should fewer than
 * k reach it, all entries are candidates. `candidates` and `magnitudes`: scratch, values.length long.
 */
export function largestMagnitudes(values: Float32Array, k: number, candidates: Int32Array, magnitudes: Float32Array): Int32Array {
  const n = values.length;
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const result = new Int32Array(Math.max(0, k));
  if (k <= 0) return result;
  let count = 0;
  const sampleSize = Math.ceil((SAMPLED_IN_TOP * n) / k);
  // Worth it when k is small against n (then the sample has well over 2 * SAMPLED_IN_TOP entries).
  if (8 * k <= n && sampleSize < n / 2) {
    // A seeded sample (not a stride, which could alias with a tensor's columns).
    let state = 0x2545f491 ^ n ^ (k << 5);
    for (let s = 0; s < sampleSize; s++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      magnitudes[s] = magnitude(values[Math.floor((state / 4294967296) * n)]);
    }
    const estimate = kthLargest(magnitudes, sampleSize, 2 * SAMPLED_IN_TOP).value;
    for (let i = 0; i < n; i++) {
      const m = Math.abs(values[i]);
      // !(m < estimate): NaN too.
      if (!(m < estimate)) {
        candidates[count] = i;
        magnitudes[count] = m === m ? m : Infinity;
        count++;
      }
    }
  }
  if (count < k) {
    for (let i = 0; i < n; i++) {
      candidates[i] = i;
      magnitudes[i] = magnitude(values[i]);
    }
    count = n;
  }
  // Every entry at or above the k-th largest magnitude is a candidate, in index order.
  const { value: threshold, above } = kthLargest(magnitudes, count, k);
  let ties = k - above;
  let j = 0;
  for (let c = 0; c < count; c++) {
    const index = candidates[c];
    const m = magnitude(values[index]);
    if (m > threshold || (m === threshold && ties-- > 0)) result[j++] = index;
  }
  return result;
}

/**
 * The k-th largest of a[0..count) (1 <= k <= count), and how many are strictly larger; reorders a.
 * Three-way quickselect with a seeded pivot: [lo, lt) above the pivot, [lt, gt] equal, (gt, hi] below.
 */
function kthLargest(a: Float32Array, count: number, k: number): { value: number; above: number } {
  if (!(k >= 1 && k <= count)) throw new Error(`kthLargest: k = ${k} outside [1, ${count}]`);
  let lo = 0;
  let hi = count - 1;
  let state = 0x9e3779b9 ^ count ^ (k << 7);
  for (;;) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const pivot = a[lo + (state % (hi - lo + 1))];
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const x = a[i];
      if (x > pivot) {
        a[i] = a[lt];
        a[lt] = x;
        lt++;
        i++;
      } else if (x < pivot) {
        a[i] = a[gt];
        a[gt] = x;
        gt--;
      } else i++;
    }
    if (k - 1 < lt) hi = lt - 1;
    else if (k - 1 > gt) lo = gt + 1;
    // Everything before lt is above the pivot: lo only ever moves past larger entries.
    else return { value: pivot, above: lt };
  }
}
