/**
 * `Slice` for wasm. The backend's own kernel first copies the whole input off the heap
 * (`readSync`), and for rank > 4 falls to TensorFlow.js's generic per-element slice: splitting
 * the [B,T,3,H,D] qkv tensor of a small GPT took 46 ms per slice. Here: copy contiguous runs
 * within the heap. `tf.split`, `tf.unstack` and concat's gradient run through Slice.
 */
import { tf } from '../tf.js';
import { extendWasmKernel, type LoomWasmKernel } from './registry.js';
import { bytesPerElement, copyRun } from './heap-copy.js';
import { LoomError } from '../../util/errors.js';
import type { BackendWasm, TensorInfo } from './wasm-backend.js';
import { heapBuffer, heapOffset, input, runKernelFunc, wasmKernel } from './wasm-backend.js';

const NAME = 'Slice';

export function numberOrList(v: unknown): number | number[] | undefined {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.every((d) => typeof d === 'number')) return v.map(Number);
  return undefined;
}

/**
 * Copies x[begin : begin + size] into a new tensor, as runs of contiguous elements within the
 * heap. Null for dtypes this cannot copy (string): the caller uses the backend's kernel.
 */
export function sliceOnHeap(backend: BackendWasm, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo | null {
  const bpe = bytesPerElement(x.dtype);
  if (bpe === null) return null;
  const out = backend.makeOutput([...size], x.dtype);
  const total = tf.util.sizeFromShape([...size]);
  if (total === 0) return out;
  const rank = x.shape.length;
  // The innermost axes the slice takes whole form one block; the next axis out bounds the run.
  let inner = 1;
  let d = rank - 1;
  while (d > 0 && size[d] === x.shape[d]) inner *= x.shape[d--]!;
  const strides = tf.util.computeStrides(x.shape);
  const strideAt = (axis: number): number => (axis === rank - 1 ? 1 : strides[axis]!);
  const runElements = rank === 0 ? 1 : size[d]! * inner;
  const runBytes = runElements * bpe;
  const buffer = heapBuffer(backend);
  const heap = new Uint8Array(buffer);
  const heap32 = new Int32Array(buffer);
  let dst = heapOffset(backend, out);
  let src = heapOffset(backend, x);
  for (let axis = 0; axis <= d && axis < rank; axis++) src += begin[axis]! * strideAt(axis) * bpe;
  // Odometer over the outer axes [0, d).
  const idx = new Array<number>(Math.max(0, d)).fill(0);
  for (let done = 0; done < total; done += runElements) {
    copyRun(heap, heap32, dst, src, runBytes);
    dst += runBytes;
    for (let axis = d - 1; axis >= 0; axis--) {
      src += strideAt(axis) * bpe;
      if (++idx[axis]! < size[axis]!) break;
      src -= size[axis]! * strideAt(axis) * bpe;
      idx[axis] = 0;
    }
  }
  return out;
}

const REASON = 'copied the whole input per call, per-element for rank > 4 (46 ms on a GPT qkv split)';

export const sliceKernel: LoomWasmKernel = extendWasmKernel(NAME, REASON, (original) =>
  wasmKernel(NAME, ({ inputs, backend, attrs }) => {
    const x = input(inputs, 'x', NAME);
    const beginAttr = numberOrList(attrs.begin);
    if (beginAttr === undefined) throw new LoomError(`${NAME}: bad begin ${JSON.stringify(attrs.begin)}`);
    const [begin, size] = tf.slice_util.parseSliceParams(x, beginAttr, numberOrList(attrs.size));
    return sliceOnHeap(backend, x, begin!, size!) ?? runKernelFunc(original.kernelFunc, NAME, inputs, backend, attrs);
  }),
);
