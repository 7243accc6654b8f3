/**
 * `Add` for wasm where one operand is a bias: float32 `x [..., C] + b [C]` (either order, b
 * possibly [1, ..., 1, C]) runs on the native kernels (native/rows.cc) when they are loaded. The
 * backend's broadcasting Add is a generic loop: 3.5 ms for LeNet's first conv bias at batch 128,
 * 0.1 ms native. Everything else, and everything without the addon, is the backend's own Add.
 */
import { nativeKernels } from '../../native/index.js';
import { tf } from '../tf.js';
import { extendWasmKernel, type LoomWasmKernel } from './registry.js';
import type { TensorInfo } from './wasm-backend.js';
import { heapBuffer, heapOffset, input, runKernelFunc, wasmKernel } from './wasm-backend.js';

const NAME = 'Add';

/** b is one row of x: its size is x's last dimension and it has no more axes than x. */
function isRowOf(b: TensorInfo, x: TensorInfo): boolean {
  if (x.shape.length === 0 || b.shape.length > x.shape.length) return false;
  const cols = x.shape[x.shape.length - 1]!;
  return tf.util.sizeFromShape(b.shape) === cols && (b.shape.length === 0 ? cols === 1 : b.shape[b.shape.length - 1] === cols);
}

export const biasAddKernel: LoomWasmKernel = extendWasmKernel(NAME, 'native x + bias (a generic broadcasting loop on wasm)', (original) =>
  wasmKernel(NAME, ({ inputs, backend, attrs }) => {
    const native = nativeKernels();
    const a = input(inputs, 'a', NAME);
    const b = input(inputs, 'b', NAME);
    const sameShape = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    if (native === null || a.dtype !== 'float32' || b.dtype !== 'float32' || sameShape) {
      return runKernelFunc(original.kernelFunc, NAME, inputs, backend, attrs);
    }
    const [x, bias] = isRowOf(b, a) ? [a, b] : isRowOf(a, b) ? [b, a] : [null, null];
    if (x === null || bias === null) return runKernelFunc(original.kernelFunc, NAME, inputs, backend, attrs);
    const cols = x.shape[x.shape.length - 1]!;
    const y = backend.makeOutput([...x.shape], 'float32');
    native.addRowVector(heapBuffer(backend), {
      x: heapOffset(backend, x), b: heapOffset(backend, bias), y: heapOffset(backend, y),
      rows: cols === 0 ? 0 : tf.util.sizeFromShape(x.shape) / cols, cols,
    });
    return y;
  }),
);
