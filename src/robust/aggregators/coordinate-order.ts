/**
 * The per-coordinate machinery of the order-statistic rules (median, trimmed mean, Meamed, Bulyan's
 * last stage): for each coordinate j, the n values inputs[0][j] .. inputs[n-1][j] sorted ascending.
 * NaN sorts above +Infinity (as torch.sort and numpy.sort place it), so NaN inputs from Byzantine
 * workers land at the top, where the rules trim them.
 *
 * Coordinates go in blocks: a block of every input is copied into a column-major scratch, so the n
 * values of one coordinate are contiguous and each input is read sequentially.
 *
 * This is the TypeScript path; with the native kernels the rules call native/robust_order.cc, which
 * sorts 64 coordinates at a time with a sorting network and gives the same values.
 */
const BLOCK = 256;

/** NaN above everything; otherwise numeric order. */
function ascendingNaNLast(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a - b;
}

/** Insertion sort of column[0..n): n is a worker count (tens), where it beats a general sort. */
function sortColumn(column: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const x = column[i]!;
    let k = i - 1;
    while (k >= 0 && ascendingNaNLast(column[k]!, x) > 0) {
      column[k + 1] = column[k]!;
      k--;
    }
    column[k + 1] = x;
  }
}

/**
 * Calls `visit(j, sorted)` for every coordinate j with `sorted` holding the n values of
 * coordinate j in ascending order (a view into scratch: read it before returning).
 */
export function forEachSortedCoordinate(
  inputs: readonly Float32Array[],
  d: number,
  visit: (j: number, sorted: Float64Array) => void,
): void {
  const n = inputs.length;
  const scratch = new Float64Array(BLOCK * n);
  for (let start = 0; start < d; start += BLOCK) {
    const width = Math.min(BLOCK, d - start);
    for (let i = 0; i < n; i++) {
      const v = inputs[i]!;
      for (let t = 0; t < width; t++) scratch[t * n + i] = v[start + t]!;
    }
    for (let t = 0; t < width; t++) {
      const column = scratch.subarray(t * n, t * n + n);
      sortColumn(column, n);
      visit(start + t, column);
    }
  }
}
