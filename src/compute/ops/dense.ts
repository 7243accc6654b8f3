/**
 * A dense layer, y = act(x W + b) with act linear or ReLU, as one TensorFlow.js kernel forward and
 * one backward where the native kernels are loaded (wasm backend): `LoomDense` runs the GEMM with
 * the bias and ReLU in its epilogue; its gradient, `LoomDenseGrad`, applies the ReLU mask and runs
 * dW = x^T dz, db = column sums of dz and (when the input needs it) dx = dz W^T natively, in one
 * dispatch. TensorFlow.js spends ~25-60 us of bookkeeping per op on this project's reference
 * machine, and the unfused layer is ~12 ops forward and backward; fused it is 2.
 *
 * Elsewhere (cpu backend, no addon, other activations) the same function composes TensorFlow.js
 * ops: tf.fused.matMul where it fuses, plain matMul + add where x is data (so that the unused d/dx
 * is never computed: tfjs computes the fused op's input gradient eagerly).
 */
import { nativeKernels, type NativeKernels } from '../../native/index.js';
import { tf } from '../tf.js';
import { addWasmKernel, type LoomWasmKernel } from '../kernels/registry.js';
import type { BackendWasm, TensorInfo } from '../kernels/wasm-backend.js';
import { boolAttr, heapBuffer, heapOffset, input, wasmKernel } from '../kernels/wasm-backend.js';

export const DENSE = 'LoomDense';
export const DENSE_GRAD = 'LoomDenseGrad';

export type DenseActivation = 'linear' | 'relu';

/** Whether `LoomDense` can run here: wasm backend, native kernels, float32 2-D operands. */
function fusable(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): boolean {
  return (
    tf.getBackend() === 'wasm' && nativeKernels() !== null && x.rank === 2 && w.rank === 2 && b.rank === 1 &&
    x.dtype === 'float32' && w.dtype === 'float32' && b.dtype === 'float32' && x.shape[1] === w.shape[0] && b.shape[0] === w.shape[1]
  );
}

/**
 * act(x W + b) for x [M, K], W [K, N], b [N]. `inputNeedsGrad`: false when x is data, so that
 * backpropagation skips d/dx.
 */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: DenseActivation, inputNeedsGrad: boolean): tf.Tensor2D {
  if (fusable(x, w, b)) {
    return tf.engine().runKernel(DENSE, { x, w, b }, { relu: activation === 'relu', inputGrad: inputNeedsGrad }) as tf.Tensor2D;
  }
  if (!inputNeedsGrad) {
    const z = tf.add(tf.matMul(x, w), b) as tf.Tensor2D;
    return activation === 'relu' ? tf.relu(z) : z;
  }
  // tfjs fuses only 'linear' while recording a gradient (for relu it would run matMul + add + relu).
  const recording = tf.engine().state.gradientDepth > 0;
  const fused = activation === 'relu' && !recording ? 'relu' : 'linear';
  const y = tf.fused.matMul({ a: x, b: w, bias: b, activation: fused }) as tf.Tensor2D;
  return fused === activation ? y : tf.relu(y);
}

function gemm(
  native: NativeKernels, memory: ArrayBufferLike, a: number, b: number, c: number,
  m: number, n: number, k: number, transA: boolean, transB: boolean, extra: { bias?: number; relu?: boolean } = {},
): void {
  native.sgemm({ memory, a, b, c, m, n, k, transA, transB, ...extra });
}

function need(): NativeKernels {
  const native = nativeKernels();
  if (native === null) throw new Error(`${DENSE} runs only with the native kernels loaded`);
  return native;
}

export const denseKernel: LoomWasmKernel = addWasmKernel(DENSE, 'a dense layer (GEMM + bias + ReLU) as one native kernel',
  wasmKernel(DENSE, ({ inputs, backend, attrs }) => {
    const native = need();
    const x = input(inputs, 'x', DENSE);
    const w = input(inputs, 'w', DENSE);
    const b = input(inputs, 'b', DENSE);
    const [M, K] = x.shape as [number, number];
    const N = w.shape[1]!;
    const y = backend.makeOutput([M, N], 'float32');
    const at = (t: TensorInfo) => heapOffset(backend, t);
    if (M * N > 0) gemm(native, heapBuffer(backend), at(x), at(w), at(y), M, N, K, false, false, { bias: at(b), relu: boolAttr(attrs, 'relu') });
    return y;
  }),
);

/** dz = dy masked by y > 0 (ReLU) or dy itself; the caller frees it when it is not dy. */
function maskedGrad(native: NativeKernels, backend: BackendWasm, dy: TensorInfo, y: TensorInfo, relu: boolean): TensorInfo {
  if (!relu) return dy;
  const dz = backend.makeOutput([...dy.shape], 'float32');
  native.reluGrad(heapBuffer(backend), { dy: heapOffset(backend, dy), x: heapOffset(backend, y), dx: heapOffset(backend, dz), n: tf.util.sizeFromShape(dy.shape) });
  return dz;
}

export const denseGradKernel: LoomWasmKernel = addWasmKernel(DENSE_GRAD, "the dense layer's backward pass as one native kernel",
  wasmKernel(DENSE_GRAD, ({ inputs, backend, attrs }) => {
    const native = need();
    const dy = input(inputs, 'dy', DENSE_GRAD);
    const x = input(inputs, 'x', DENSE_GRAD);
    const w = input(inputs, 'w', DENSE_GRAD);
    const y = input(inputs, 'y', DENSE_GRAD);
    const [M, K] = x.shape as [number, number];
    const N = w.shape[1]!;
    const dz = maskedGrad(native, backend, dy, y, boolAttr(attrs, 'relu'));
    const dw = backend.makeOutput([K, N], 'float32');
    const db = backend.makeOutput([N], 'float32');
    const dx = boolAttr(attrs, 'inputGrad') ? backend.makeOutput([M, K], 'float32') : null;
    // Every allocation is done: offsets and the heap stay valid from here.
    const memory = heapBuffer(backend);
    const at = (t: TensorInfo) => heapOffset(backend, t);
    gemm(native, memory, at(x), at(dz), at(dw), K, N, M, true, false);   // dW = x^T dz
    native.columnSums(memory, { x: at(dz), out: at(db), rows: M, cols: N }); // db
    if (dx !== null) gemm(native, memory, at(dz), at(w), at(dx), M, K, N, false, true); // dx = dz W^T
    if (dz !== dy) backend.disposeData(dz.dataId);
    return dx === null ? [dw, db] : [dw, db, dx];
  }),
);

const INSTALLED = Symbol.for('loom-ml.compute.denseGradient');

/** Registers the gradient of `LoomDense` (once per process). */
export function installDenseGradient(): void {
  const holder = globalThis as { [INSTALLED]?: boolean };
  if (holder[INSTALLED] === true) return;
  tf.registerGradient({
    kernelName: DENSE,
    inputsToSave: ['x', 'w'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, w, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const relu = (attrs as { relu?: boolean }).relu === true;
      const inputGrad = (attrs as { inputGrad?: boolean }).inputGrad === true;
      const [dw, db, dx] = tf.engine().runKernel(DENSE_GRAD, { dy: dy as tf.Tensor, x, w, y }, { relu, inputGrad }) as tf.Tensor[];
      return {
        w: () => dw!,
        b: () => db!,
        // Asked for only when x needs a gradient after all (inputGrad was false): compute it here.
        x: () => dx ?? tf.matMul(relu ? tf.mul(dy as tf.Tensor, tf.cast(tf.step(y), 'float32')) : (dy as tf.Tensor), w, false, true),
      };
    },
  });
  holder[INSTALLED] = true;
}
