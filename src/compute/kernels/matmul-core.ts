/**
 * The matrix product behind Loom's `BatchMatMul` and `_FusedMatMul` wasm kernels.
 *
 * The wasm backend runs a product through XNNPACK only when neither operand is transposed and
 * both have batch 1; everything else (transpose flags, batched products such as attention) falls
 * to a naive C++ loop at ~1.5-2 GFLOP/s instead of ~25. So here:
 * - transposed operands are transposed explicitly first (`transposeInner`);
 * - a batched `a` times an unbatched `b` is folded into one [batch*M, K] x [K, N] product;
 * - other batched products call XNNPACK once per batch slice, on zero-copy views of the slices
 *   (except tiny slices, where the naive loop wins: `prefersNaiveLoop`);
 * - for `A * B^T` it is often cheaper to compute `(B * A^T)^T` (see `chooseSwap`).
 */
import { tf } from '../tf.js';
import { LoomError } from '../../util/errors.js';
import type { BackendWasm, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from './wasm-backend.js';
import {
  boolAttr, disposeIntermediate, FUSABLE_ACTIVATION, heapF32, heapOffset, heapView, input, rawFusedMatMul, releaseView, shapeBytes, tensorId,
} from './wasm-backend.js';
import { transposeInner } from './transpose-inner.js';
import { nativeKernels } from '../../native/index.js';
import { nativeMatMul, type NativeEpilogue } from './native-matmul.js';
import { broadcastIndex, matMulShape, type MatMulShape } from './matmul-shape.js';

export { matMulShape, type MatMulShape } from './matmul-shape.js';

/** Why Loom replaces both `BatchMatMul` and `_FusedMatMul` (printed by `loom info`). */
export const MATMUL_REASON = 'transposed and batched products ran at ~2 GFLOP/s; now explicit transpose + XNNPACK';

/** The operands and transpose flags of a `BatchMatMul` or `_FusedMatMul` call. */
export interface MatMulOperands {
  readonly a: TensorInfo;
  readonly b: TensorInfo;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** Reads inputs `a`, `b` (float32 only, else throws) and attributes `transposeA`, `transposeB`. */
export function matMulOperands(inputs: NamedTensorInfoMap, attrs: NamedAttrMap, kernel: string): MatMulOperands {
  const a = input(inputs, 'a', kernel);
  const b = input(inputs, 'b', kernel);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new LoomError(`${kernel} on wasm supports float32 only, got ${a.dtype} x ${b.dtype}`);
  }
  return { a, b, transposeA: boolAttr(attrs, 'transposeA'), transposeB: boolAttr(attrs, 'transposeB') };
}

/** What the wasm `_FusedMatMul` entry point applies after the product (ids 0 = none). */
export interface Epilogue {
  readonly activation: number;
  readonly biasId: number;
  /** The bias tensor behind `biasId` (one value per output column), for the native path. */
  readonly bias?: TensorInfo;
  readonly preluId: number;
  readonly leakyreluAlpha: number;
}

export const LINEAR: Epilogue = { activation: 0, biasId: 0, preluId: 0, leakyreluAlpha: 0 };

/** The epilogue as the native GEMM runs it (bias per column, linear or ReLU), or null if it cannot. */
function fusedByNative(e: Epilogue): NativeEpilogue | null {
  if (e.preluId !== 0 || (e.activation !== FUSABLE_ACTIVATION.linear && e.activation !== FUSABLE_ACTIVATION.relu)) return null;
  if (e.biasId !== 0 && e.bias === undefined) return null;
  return { relu: e.activation === FUSABLE_ACTIVATION.relu, ...(e.bias ? { bias: e.bias } : {}) };
}

/**
 * Relative costs, in "one transposed element" units, measured on this machine: XNNPACK packs a
 * new `b` (it caches the packing per tensor id, and in training `b` is new each step) at
 * ~4 ns/element, our transposes run at ~1-2 ns/element.
 */
const PACK_COST = 4;

/** True when `C = (op'(B) op'(A))^T` is cheaper than transposing operands for `op(A) op(B)`. */
export function chooseSwap(s: Pick<MatMulShape, 'M' | 'K' | 'N'>, transposeA: boolean, transposeB: boolean): boolean {
  const { M, K, N } = s;
  if (!transposeA && !transposeB) return false;
  if (M === 1 || N === 1) return false;
  const direct = (transposeA ? M * K : 0) + (transposeB ? N * K : 0) + PACK_COST * K * N;
  const swapped = (transposeB ? 0 : N * K) + (transposeA ? 0 : M * K) + PACK_COST * K * M + M * N;
  return swapped < direct;
}

/**
 * Below this many multiply-adds per batch slice, calling XNNPACK once per slice (~5 us each:
 * operator creation, packing, views) costs more than the backend's naive loop does for the whole
 * product: 256 slices of 16x16x16 take 1.3 ms either way, 64 of 8x8x8 0.06 ms naive vs 0.27 ms.
 */
export const SMALL_SLICE_MACS = 8192;

/** True when a batched product is better left to the backend's own (naive-loop) kernel. */
export function prefersNaiveLoop(s: MatMulShape): boolean {
  // The naive loop takes its batch size from a (tfjs 4.22), so it is only right without broadcasting.
  return s.batchOut > 1 && s.batchA === s.batchB && s.M * s.K * s.N < SMALL_SLICE_MACS;
}

/**
 * Computes op(a) x op(b) (+ the epilogue) on the wasm heap; returns a new tensor of shape
 * `[...broadcast batch dims, M, N]`. Shapes with a zero dimension give an empty or all-zero
 * product without the epilogue (`_FusedMatMul` sends them down its unfused path).
 */
export function wasmMatMul(
  backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean,
  epilogue: Epilogue, kernel: string, allowSwap = true,
): TensorInfo {
  const s = matMulShape(a, b, transposeA, transposeB, kernel);
  const { M, K, N, batchA, batchB } = s;
  if (s.batchOut * M * N === 0 || K === 0) {
    const out = backend.makeOutput(s.outShape, 'float32');
    if (s.batchOut * M * N > 0) heapF32(backend, out).fill(0);
    return out;
  }
  const native = nativeKernels();
  const nativeEpilogue = native ? fusedByNative(epilogue) : null;
  if (native && nativeEpilogue) return nativeMatMul(native, backend, a, b, transposeA, transposeB, s, nativeEpilogue);
  // Transposing the result is only sound when the epilogue is elementwise and position-free; and
  // with unequal batches one side is shared, which the per-slice cost model does not account for.
  const swappable = epilogue.biasId === 0 && epilogue.preluId === 0 && batchA === batchB;
  if (allowSwap && swappable && chooseSwap(s, transposeA, transposeB)) {
    const ct = wasmMatMul(backend, b, a, !transposeB, !transposeA, epilogue, kernel, false);
    const c = transposeInner(backend, ct, s.batchOut, N, M);
    disposeIntermediate(backend, ct);
    return { dataId: c.dataId, shape: s.outShape, dtype: 'float32' };
  }
  const aPlain = transposeA ? transposeInner(backend, a, batchA, K, M) : a;
  const bPlain = transposeB ? transposeInner(backend, b, batchB, N, K) : b;
  const out = backend.makeOutput(s.outShape, 'float32');
  try {
    if (batchB === 1) {
      // b is shared by every batch of a (and a is never broadcast then): one [batchA*M, K] product.
      callXnn(backend, tensorId(backend, aPlain), batchA * M, K, tensorId(backend, bPlain), N, tensorId(backend, out), epilogue);
    } else {
      perSlice(backend, aPlain, a.shape.slice(0, -2), bPlain, b.shape.slice(0, -2), out, s, epilogue);
    }
  } finally {
    if (aPlain !== a) disposeIntermediate(backend, aPlain);
    if (bPlain !== b) disposeIntermediate(backend, bPlain);
  }
  return out;
}

function callXnn(backend: BackendWasm, aId: number, rows: number, K: number, bId: number, N: number, outId: number, e: Epilogue): void {
  rawFusedMatMul(backend)(
    aId, shapeBytes([1, rows, K]), 3, bId, shapeBytes([1, K, N]), 3, false, false,
    e.activation, e.biasId, e.preluId, e.leakyreluAlpha, outId,
  );
}

/**
 * One XNNPACK product per output batch, on views of the slices (views of b are reused).
 * `aOuter`/`bOuter` are the operands' original leading dims (a, b may be flattened copies).
 */
function perSlice(
  backend: BackendWasm, a: TensorInfo, aOuter: number[], b: TensorInfo, bOuter: number[], out: TensorInfo,
  s: MatMulShape, e: Epilogue,
): void {
  const { M, K, N } = s;
  const aIndex = broadcastIndex(aOuter, s.outBatchDims);
  const bIndex = broadcastIndex(bOuter, s.outBatchDims);
  const aBase = heapOffset(backend, a);
  const bBase = heapOffset(backend, b);
  const outBase = heapOffset(backend, out);
  // XNNPACK packs b once per view id; reusing a slice's view reuses that packing.
  const bViews = new Map<number, TensorInfo>();
  try {
    for (let i = 0; i < s.batchOut; i++) {
      const ib = bIndex[i]!;
      let bView = bViews.get(ib);
      if (bView === undefined) {
        bView = heapView(backend, bBase + ib * K * N * 4, [1, K, N]);
        bViews.set(ib, bView);
      }
      const aView = heapView(backend, aBase + aIndex[i]! * M * K * 4, [1, M, K]);
      const outView = heapView(backend, outBase + i * M * N * 4, [1, M, N]);
      try {
        callXnn(backend, tensorId(backend, aView), M, K, tensorId(backend, bView), N, tensorId(backend, outView), e);
      } finally {
        releaseView(backend, outView);
        releaseView(backend, aView);
      }
    }
  } finally {
    for (const v of bViews.values()) releaseView(backend, v);
  }
}
