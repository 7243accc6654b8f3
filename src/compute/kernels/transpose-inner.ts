/**
 * Swaps the last two axes of a float32 tensor on the wasm heap: [batch, R, C] -> [batch, C, R].
 * Used by the matmul kernels to turn transposed operands into plain ones, because the wasm
 * backend's fast (XNNPACK) matmul path only runs without transpose flags.
 *
 * Which implementation (measured, ns per element): the wasm backend's own Transpose kernel runs
 * at ~0.7 unless the source has a multiple of 128 rows, where its writes (strided by the row
 * count) collide in cache and it drops to 2-4 (256x784: 0.65 ms; 512x784: 1.6 ms). A cache-
 * blocked JS loop over the heap runs at a steady ~1.9. So: wasm for a single matrix whose row
 * count is not a multiple of 128, JS otherwise.
 */
import type { BackendWasm, TensorInfo } from './wasm-backend.js';
import { heapBuffer, heapOffset, registeredKernelFunc, runKernelFunc } from './wasm-backend.js';

const BLOCK = 16;
const ALIASING_ROWS = 128;

/** dst[c * R + r] = src[r * C + c] for one R x C matrix, element offsets into heap arrays. */
export function transposeBlocked(
  src: Float32Array, srcOff: number, dst: Float32Array, dstOff: number, R: number, C: number,
): void {
  if (R === 1 || C === 1) {
    dst.set(src.subarray(srcOff, srcOff + R * C), dstOff);
    return;
  }
  for (let r0 = 0; r0 < R; r0 += BLOCK) {
    const r1 = Math.min(r0 + BLOCK, R);
    for (let c0 = 0; c0 < C; c0 += BLOCK) {
      const c1 = Math.min(c0 + BLOCK, C);
      for (let r = r0; r < r1; r++) {
        const s = srcOff + r * C;
        const d = dstOff + r;
        for (let c = c0; c < c1; c++) dst[d + c * R] = src[s + c]!;
      }
    }
  }
}

/** Returns a new tensor [batch, C, R] (caller disposes it) holding each matrix of `x` transposed. */
export function transposeInner(backend: BackendWasm, x: TensorInfo, batch: number, R: number, C: number): TensorInfo {
  if (batch === 1 && R % ALIASING_ROWS !== 0 && R > 1 && C > 1) {
    const transpose = registeredKernelFunc('Transpose', 'wasm');
    const out = runKernelFunc(transpose, 'Transpose', { x: { dataId: x.dataId, shape: [R, C], dtype: x.dtype } }, backend, {
      perm: [1, 0],
    });
    return { dataId: out.dataId, shape: [1, C, R], dtype: out.dtype };
  }
  const out = backend.makeOutput([batch, C, R], 'float32');
  // Views only after the allocation above: malloc may have grown (and detached) the heap.
  const heap = new Float32Array(heapBuffer(backend));
  const src = heapOffset(backend, x) >>> 2;
  const dst = heapOffset(backend, out) >>> 2;
  const size = R * C;
  for (let b = 0; b < batch; b++) transposeBlocked(heap, src + b * size, heap, dst + b * size, R, C);
  return out;
}
