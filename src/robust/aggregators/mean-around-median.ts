/**
 * The average of the `count` values of one sorted column closest to its median (ties to the lower
 * value): the last stage of Bulyan and the whole of Meamed. The closest values form a contiguous
 * run of the sorted column, grown outwards from the median.
 */
export function meanAroundMedian(sorted: Float64Array, count: number): number {
  const n = sorted.length;
  const median = n % 2 === 1 ? sorted[n >> 1]! : (sorted[(n >> 1) - 1]! + sorted[n >> 1]!) / 2;
  let lo = (n - 1) >> 1; // next candidate below (inclusive)
  let hi = lo + 1; // next candidate above
  let sum = 0;
  for (let taken = 0; taken < count; taken++) {
    const below = lo >= 0 ? median - sorted[lo]! : Infinity;
    const above = hi < n ? sorted[hi]! - median : Infinity;
    if (below <= above) sum += sorted[lo--]!;
    else sum += sorted[hi++]!;
  }
  return sum / count;
}
