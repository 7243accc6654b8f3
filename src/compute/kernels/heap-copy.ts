/** Copying runs of elements within the wasm heap (shared by Slice and Tile). */

/** Bytes per element of the dtypes the wasm backend keeps on the heap. */
export function bytesPerElement(dtype: string): number | null {
  return dtype === 'float32' || dtype === 'int32' ? 4 : dtype === 'bool' ? 1 : null;
}

/** Runs shorter than this are copied element by element: a memmove call costs more. */
const SHORT_RUN_BYTES = 64;

/** Copies `bytes` bytes from `src` to `dst` (byte offsets into `heap`, non-overlapping). */
export function copyRun(heap: Uint8Array, heap32: Int32Array, dst: number, src: number, bytes: number): void {
  if (bytes >= SHORT_RUN_BYTES) {
    heap.copyWithin(dst, src, src + bytes);
  } else if (((dst | src | bytes) & 3) === 0) {
    // Whole 4-byte words (float32 / int32): copy as int32 bits, which keeps NaN payloads intact.
    for (let d = dst >>> 2, s = src >>> 2, end = s + (bytes >>> 2); s < end; ) heap32[d++] = heap32[s++]!;
  } else {
    for (let i = 0; i < bytes; i++) heap[dst + i] = heap[src + i]!;
  }
}
