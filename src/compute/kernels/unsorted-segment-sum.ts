/**
 * `UnsortedSegmentSum` for wasm (missing there; it is the gradient of `gather`, so embedding
 * lookups could not train). out[s, ...] = sum of x[i, ...] over the i with segmentIds[i] = s.
 *
 * Follows TensorFlow: segmentIds may have any rank r <= rank(x) and index the first r axes of x;
 * the output has shape [numSegments, ...x.shape.slice(r)]. Ids outside [0, numSegments) are
 * dropped, as TensorFlow.js's cpu backend does.
 */
import { LoomError } from '../../util/errors.js';
import { tf } from '../tf.js';
import { addWasmKernel, type LoomWasmKernel } from './registry.js';
import { heapBuffer, heapOffset, input, numberAttr, wasmKernel } from './wasm-backend.js';

const NAME = 'UnsortedSegmentSum';

function segmentSum<T extends Float32Array | Int32Array>(src: T, ids: Int32Array, dst: T, numSegments: number, rowSize: number): void {
  dst.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const d = s * rowSize;
    const o = i * rowSize;
    for (let j = 0; j < rowSize; j++) dst[d + j] += src[o + j]!;
  }
}

const REASON = "missing on wasm (gather's gradient, embeddings); JS loop on the heap";

export const unsortedSegmentSumKernel: LoomWasmKernel = addWasmKernel(NAME, REASON,
  wasmKernel(NAME, ({ inputs, backend, attrs }) => {
    const x = input(inputs, 'x', NAME);
    const segmentIds = input(inputs, 'segmentIds', NAME);
    const numSegments = numberAttr(attrs, 'numSegments', NAME);
    if (x.dtype !== 'float32' && x.dtype !== 'int32') {
      throw new LoomError(`${NAME} on wasm supports float32 and int32 x, got ${x.dtype}`);
    }
    if (segmentIds.dtype !== 'int32') throw new LoomError(`${NAME}: segmentIds must be int32, got ${segmentIds.dtype}`);
    if (!Number.isInteger(numSegments) || numSegments < 0) {
      throw new LoomError(`${NAME}: numSegments must be a non-negative integer, got ${numSegments}`);
    }
    const r = segmentIds.shape.length;
    if (r > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
      throw new LoomError(`${NAME}: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`);
    }
    const inner = x.shape.slice(r);
    const rowSize = tf.util.sizeFromShape(inner);
    const rows = tf.util.sizeFromShape(segmentIds.shape);
    const out = backend.makeOutput([numSegments, ...inner], x.dtype);
    // Views after the allocation (malloc may grow the heap).
    const buffer = heapBuffer(backend);
    const ids = new Int32Array(buffer, heapOffset(backend, segmentIds), rows);
    const srcOff = heapOffset(backend, x);
    const dstOff = heapOffset(backend, out);
    if (x.dtype === 'int32') {
      segmentSum(new Int32Array(buffer, srcOff, rows * rowSize), ids, new Int32Array(buffer, dstOff, numSegments * rowSize), numSegments, rowSize);
    } else {
      segmentSum(new Float32Array(buffer, srcOff, rows * rowSize), ids, new Float32Array(buffer, dstOff, numSegments * rowSize), numSegments, rowSize);
    }
    return out;
  }),
);
