/**
 * Matrix products through Loom's native SGEMM (native/, loaded by src/native/addon.ts),
 * working in place on the wasm heap: no transposed copies (the GEMM packs op(A) and op(B) itself)
 * and no XNNPACK re-packing of a new weight tensor every step. Used by `BatchMatMul` and
 * `_FusedMatMul` whenever the addon is loaded and the epilogue is one it fuses (bias per output
 * column, then linear or ReLU); everything else stays on the WebAssembly path.
 */
import type { NativeKernels } from '../../native/index.js';
import { broadcastIndex, type MatMulShape } from './matmul-shape.js';
import type { BackendWasm, TensorInfo } from './wasm-backend.js';
import { heapBuffer, heapOffset } from './wasm-backend.js';

export interface NativeEpilogue {
  /** One value per output column, added to every row. */
  readonly bias?: TensorInfo;
  readonly relu: boolean;
}

/** op(a) x op(b) (+ bias, ReLU) into a new tensor of shape `s.outShape`. */
export function nativeMatMul(
  gemm: NativeKernels, backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean,
  s: MatMulShape, epilogue: NativeEpilogue,
): TensorInfo {
  const { M, K, N } = s;
  const out = backend.makeOutput(s.outShape, 'float32');
  // Offsets and the heap are read after the allocation above: it may have grown (and moved) the heap.
  const memory = heapBuffer(backend);
  const aBase = heapOffset(backend, a);
  const bBase = heapOffset(backend, b);
  const outBase = heapOffset(backend, out);
  const common = {
    memory, m: M, n: N, k: K, transA: transposeA, transB: transposeB, relu: epilogue.relu,
    ...(epilogue.bias ? { bias: heapOffset(backend, epilogue.bias) } : {}),
  };
  if (s.batchB === 1 && s.batchA === s.batchOut && !transposeA) {
    // b is shared by every batch of a, stored row after row: one [batch*M, K] x [K, N] product.
    gemm.sgemm({ ...common, a: aBase, b: bBase, c: outBase, m: s.batchA * M });
    return out;
  }
  const aIndex = broadcastIndex(a.shape.slice(0, -2), s.outBatchDims);
  const bIndex = broadcastIndex(b.shape.slice(0, -2), s.outBatchDims);
  for (let i = 0; i < s.batchOut; i++) {
    gemm.sgemm({ ...common, a: aBase + aIndex[i]! * M * K * 4, b: bBase + bIndex[i]! * K * N * 4, c: outBase + i * M * N * 4 });
  }
  return out;
}
