/**
 * `Tile` for wasm. The backend's kernel computes an index per element (7 ms to tile a causal
 * mask [32,32] to [32,4,32,32], which `tf.where` does to broadcast its condition); here each
 * row of x is copied once and every repetition is one memmove of an already-built block.
 */
import { LoomError } from '../../util/errors.js';
import { tf } from '../tf.js';
import { replaceWasmKernel, type LoomWasmKernel } from './registry.js';
import { bytesPerElement, copyRun } from './heap-copy.js';
import { heapBuffer, heapOffset, input, runKernelFunc, wasmKernel } from './wasm-backend.js';

const NAME = 'Tile';

const REASON = 'computed an index per element (7 ms for a [32,4,32,32] mask); block copies';

export const tileKernel: LoomWasmKernel = replaceWasmKernel(NAME, REASON, (original) =>
  wasmKernel(NAME, ({ inputs, backend, attrs }) => {
    const x = input(inputs, 'x', NAME);
    const bpe = bytesPerElement(x.dtype);
    if (bpe === null && original !== undefined) return runKernelFunc(original.kernelFunc, NAME, inputs, backend, attrs);
    if (bpe === null) throw new LoomError(`${NAME}: no wasm kernel for dtype ${x.dtype}`);
    const reps = attrs.reps;
    const rank = x.shape.length;
    if (!Array.isArray(reps) || reps.length !== rank || !reps.every((r) => typeof r === 'number' && Number.isInteger(r) && r >= 0)) {
      throw new LoomError(`${NAME}: reps ${JSON.stringify(reps)} must be ${rank} non-negative integers`);
    }
    const r = reps.map(Number);
    const outShape = x.shape.map((d, i) => d * r[i]!);
    const out = backend.makeOutput(outShape, x.dtype);
    if (tf.util.sizeFromShape(outShape) === 0) return out;
    const buffer = heapBuffer(backend);
    const heap = new Uint8Array(buffer);
    const heap32 = new Int32Array(buffer);
    if (rank === 0) {
      copyRun(heap, heap32, heapOffset(backend, out), heapOffset(backend, x), bpe);
      return out;
    }
    // Element strides of x and out, in bytes.
    const xStride = new Array<number>(rank);
    const outStride = new Array<number>(rank);
    xStride[rank - 1] = bpe;
    outStride[rank - 1] = bpe;
    for (let d = rank - 2; d >= 0; d--) {
      xStride[d] = xStride[d + 1]! * x.shape[d + 1]!;
      outStride[d] = outStride[d + 1]! * outShape[d + 1]!;
    }
    /** Fills out's block at axis d (shape outShape[d:]) from x's block at axis d. */
    const fill = (d: number, src: number, dst: number): void => {
      if (d === rank - 1) {
        copyRun(heap, heap32, dst, src, x.shape[d]! * bpe);
      } else {
        for (let i = 0; i < x.shape[d]!; i++) fill(d + 1, src + i * xStride[d]!, dst + i * outStride[d]!);
      }
      const block = x.shape[d]! * outStride[d]!;
      for (let k = 1; k < r[d]!; k++) copyRun(heap, heap32, dst + k * block, dst, block);
    };
    fill(0, heapOffset(backend, x), heapOffset(backend, out));
    return out;
  }),
);
