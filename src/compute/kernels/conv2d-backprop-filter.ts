/**
 * `Conv2DBackpropFilter` for wasm (the backend has none, so CNN training fails without it).
 *
 * dW[kh, kw, ci, co] = sum over (n, oh, ow) of x[n, oh*sh + kh - top, ow*sw + kw - left, ci] * dy[n, oh, ow, co]
 *
 * is one matrix product dW[P, Co] = colsT[P, Q] x dy[Q, Co] with P = kh*kw*ci and
 * Q = n*oh*ow, where colsT is the transposed im2col matrix of x. We build colsT for a chunk of
 * images at a time (so it stays in cache and memory stays bounded) and multiply each chunk by
 * the matching rows of dy through XNNPACK, summing the chunks' products.
 * colsT (rather than cols) keeps XNNPACK's per-call packing on dy's Q x Co values, the smaller side.
 *
 * With the native kernels loaded, native/conv.cc does it (im2col + packed GEMM, native-conv.ts).
 *
 * NHWC only (as the wasm backend's Conv2D); dilations are 1 (TensorFlow.js has no gradient for
 * dilated convolutions).
 */
import { LoomError } from '../../util/errors.js';
import { tf } from '../tf.js';
import { addWasmKernel, type LoomWasmKernel } from './registry.js';
import { LINEAR } from './matmul-core.js';
import { nativeConv2dBackpropFilter } from './native-conv.js';
import { nativeKernels } from '../../native/index.js';
import {
  pairOrNumber, parsePad, parseRounding, parseShape4, requireNHWC, shape4, type Pad, type Rounding, type Shape4,
} from './conv-attrs.js';
import type { BackendWasm, NamedAttrMap, TensorInfo } from './wasm-backend.js';
import {
  disposeIntermediate, heapBuffer, heapOffset, heapView, input, rawFusedMatMul, releaseView, shapeBytes, tensorId, wasmKernel,
} from './wasm-backend.js';

const NAME = 'Conv2DBackpropFilter';

/** Target size (floats) of one chunk of colsT: large enough to amortise a call, small enough for cache. */
const CHUNK_FLOATS = 1 << 18;

function parseAttrs(attrs: NamedAttrMap): { strides: number | [number, number]; pad: Pad; filterShape: Shape4; dimRoundingMode: Rounding } {
  requireNHWC(attrs.dataFormat, NAME);
  return {
    strides: pairOrNumber(attrs.strides, 'strides', NAME),
    pad: parsePad(attrs.pad, NAME),
    filterShape: parseShape4(attrs.filterShape, 'filterShape', NAME),
    dimRoundingMode: parseRounding(attrs.dimRoundingMode),
  };
}

interface Geometry {
  readonly H: number; readonly W: number; readonly Ci: number;
  readonly OH: number; readonly OW: number; readonly Co: number;
  readonly FH: number; readonly FW: number;
  readonly sh: number; readonly sw: number; readonly top: number; readonly left: number;
}

/**
 * Writes colsT rows for images [n0, n1): row p = (kh, kw, ci) holds, for each (n, oh, ow), the
 * input value the filter tap reads (0 in the padding). Offsets in floats into the whole heap.
 * (Reading from a channel-major copy of x instead, for sequential reads, measured slower.)
 */
function im2colT(heap: Float32Array, xOff: number, dstOff: number, n0: number, n1: number, g: Geometry): void {
  const { H, W, Ci, OH, OW, FH, FW, sh, sw, top, left } = g;
  const qc = (n1 - n0) * OH * OW;
  const imageSize = H * W * Ci;
  const xRow = W * Ci;
  const step = sw * Ci;
  let row = dstOff;
  for (let kh = 0; kh < FH; kh++) {
    for (let kw = 0; kw < FW; kw++) {
      // Output columns whose input column ow*sw + kw - left lies inside [0, W).
      const owStart = Math.min(OW, Math.max(0, Math.ceil((left - kw) / sw)));
      const owEnd = Math.max(owStart, Math.min(OW, Math.floor((W - 1 + left - kw) / sw) + 1));
      for (let ci = 0; ci < Ci; ci++) {
        let d = row;
        for (let n = n0; n < n1; n++) {
          const image = xOff + n * imageSize + ci;
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh + kh - top;
            if (ih < 0 || ih >= H) {
              heap.fill(0, d, d + OW);
              d += OW;
              continue;
            }
            for (let ow = 0; ow < owStart; ow++) heap[d++] = 0;
            let s = image + ih * xRow + (owStart * sw + kw - left) * Ci;
            if (step === 1) {
              // One channel, stride 1: a contiguous run (memmove beats the loop here, ~25% on LeNet conv1).
              heap.copyWithin(d, s, s + owEnd - owStart);
              d += owEnd - owStart;
            } else {
              for (let ow = owStart; ow < owEnd; ow++) {
                heap[d++] = heap[s]!;
                s += step;
              }
            }
            for (let ow = owEnd; ow < OW; ow++) heap[d++] = 0;
          }
        }
        row += qc;
      }
    }
  }
}

function conv2dBackpropFilter(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, attrs: NamedAttrMap): TensorInfo {
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new LoomError(`${NAME} on wasm supports float32 only, got ${x.dtype} and ${dy.dtype}`);
  }
  const { strides, pad, filterShape, dimRoundingMode } = parseAttrs(attrs);
  const xShape = shape4(x.shape, 'x', NAME);
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const dyShape = shape4(dy.shape, 'dy', NAME);
  if (dyShape[0] !== info.batchSize || dyShape[1] !== info.outHeight || dyShape[2] !== info.outWidth || dyShape[3] !== info.outChannels) {
    throw new LoomError(`${NAME}: dy shape [${dyShape}] does not match the convolution's output [${info.outShape}]`);
  }
  const g: Geometry = {
    H: info.inHeight, W: info.inWidth, Ci: info.inChannels,
    OH: info.outHeight, OW: info.outWidth, Co: info.outChannels,
    FH: info.filterHeight, FW: info.filterWidth,
    sh: info.strideHeight, sw: info.strideWidth, top: info.padInfo.top, left: info.padInfo.left,
  };
  const native = nativeKernels();
  if (native !== null) return nativeConv2dBackpropFilter(native, backend, x, dy, info);
  const N = info.batchSize;
  const P = g.FH * g.FW * g.Ci;
  const perImage = g.OH * g.OW;
  const out = backend.makeOutput([...filterShape], 'float32');
  const outSize = P * g.Co;
  if (outSize === 0) return out;
  if (N * perImage === 0) {
    new Float32Array(heapBuffer(backend), heapOffset(backend, out), outSize).fill(0);
    return out;
  }

  const imagesPerChunk = Math.max(1, Math.min(N, Math.floor(CHUNK_FLOATS / (P * perImage))));
  const chunks = Math.ceil(N / imagesPerChunk);
  const cols = backend.makeOutput([P, imagesPerChunk * perImage], 'float32');
  // A chunk's product goes to `partial` and is added to `out`, except the first chunk's.
  const partial = chunks > 1 ? backend.makeOutput([P, g.Co], 'float32') : null;
  const matmul = rawFusedMatMul(backend);
  try {
    const xOff = heapOffset(backend, x) >>> 2;
    const colsOff = heapOffset(backend, cols) >>> 2;
    const outOff = heapOffset(backend, out) >>> 2;
    const partialOff = partial ? heapOffset(backend, partial) >>> 2 : 0;
    const dyBase = heapOffset(backend, dy);
    for (let c = 0; c < chunks; c++) {
      const n0 = c * imagesPerChunk;
      const n1 = Math.min(N, n0 + imagesPerChunk);
      const q = (n1 - n0) * perImage;
      // All allocations are done, so this view of the heap stays valid for the chunk.
      im2colT(new Float32Array(heapBuffer(backend)), xOff, colsOff, n0, n1, g);
      const dyChunk = heapView(backend, dyBase + n0 * perImage * g.Co * 4, [1, q, g.Co]);
      try {
        matmul(
          tensorId(backend, cols), shapeBytes([1, P, q]), 3, tensorId(backend, dyChunk), shapeBytes([1, q, g.Co]), 3,
          false, false, LINEAR.activation, 0, 0, 0, tensorId(backend, c === 0 ? out : partial!),
        );
      } finally {
        releaseView(backend, dyChunk);
      }
      if (c > 0) {
        const heap = new Float32Array(heapBuffer(backend));
        for (let i = 0; i < outSize; i++) heap[outOff + i] += heap[partialOff + i]!;
      }
    }
  } finally {
    disposeIntermediate(backend, cols);
    if (partial) disposeIntermediate(backend, partial);
  }
  return out;
}

const REASON = 'missing on wasm (CNN training failed); im2col + XNNPACK matmul';

export const conv2dBackpropFilterKernel: LoomWasmKernel = addWasmKernel(NAME, REASON,
  wasmKernel(NAME, ({ inputs, backend, attrs }) =>
    conv2dBackpropFilter(backend, input(inputs, 'x', NAME), input(inputs, 'dy', NAME), attrs),
  ),
);
