/**
 * `Sum` for wasm over every axis but the last (the gradient of a bias): float32 on the native
 * kernels (native/rows.cc, float64 accumulation) when they are loaded. The backend transposes the
 * reduced axes innermost first and then sums: 2 ms for LeNet's first conv bias at batch 128.
 * Every other reduction, and everything without the addon, is the backend's own Sum.
 */
import { nativeKernels } from '../../native/index.js';
import { tf } from '../tf.js';
import { extendWasmKernel, type LoomWasmKernel } from './registry.js';
import { heapBuffer, heapOffset, input, runKernelFunc, wasmKernel } from './wasm-backend.js';

const NAME = 'Sum';

export const biasSumKernel: LoomWasmKernel = extendWasmKernel(NAME, 'native column sums for bias gradients (transpose + sum on wasm)', (original) =>
  wasmKernel(NAME, ({ inputs, backend, attrs }) => {
    const native = nativeKernels();
    const x = input(inputs, 'x', NAME);
    const rank = x.shape.length;
    if (native === null || x.dtype !== 'float32' || rank < 2) return runKernelFunc(original.kernelFunc, NAME, inputs, backend, attrs);
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], [...x.shape]).sort((p, q) => p - q);
    const allButLast = axes.length === rank - 1 && axes.every((axis, i) => axis === i);
    if (!allButLast) return runKernelFunc(original.kernelFunc, NAME, inputs, backend, attrs);
    const cols = x.shape[rank - 1]!;
    const outShape = attrs.keepDims === true ? [...Array<number>(rank - 1).fill(1), cols] : [cols];
    const out = backend.makeOutput(outShape, 'float32');
    native.columnSums(heapBuffer(backend), {
      x: heapOffset(backend, x), out: heapOffset(backend, out), rows: cols === 0 ? 0 : tf.util.sizeFromShape(x.shape) / cols, cols,
    });
    return out;
  }),
);
