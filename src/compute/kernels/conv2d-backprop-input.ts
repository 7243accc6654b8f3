/**
 * `Conv2DBackpropInput` for wasm: the gradient of conv2d with respect to its input. The
 * backend's own kernel is a direct C++ loop, 14 ms for LeNet's second convolution at batch 128
 * and ~35 ms for a 3x3 16-channel layer on 16x16 images; this one takes a few ms.
 *
 * dx[n, ih, iw, ci] = sum over (kh, kw, co) of dy[n, oh, ow, co] * W[kh, kw, ci, co],
 * where ih = oh*sh + kh - top and iw = ow*sw + kw - left.
 *
 * Stride 1 (the common case): that is a plain convolution of dy with W flipped in space and
 * with in/out channels swapped, padded by (filter - 1 - pad) — run by the backend's XNNPACK Conv2D.
 * Other strides: cols[Q, P] = dy[Q, Co] x W^T (one XNNPACK product, Q = n*oh*ow, P = kh*kw*ci),
 * then col2im adds each row of cols into the input positions its filter taps came from.
 * With the native kernels loaded, native/conv.cc does all of it (native-conv.ts).
 */
import { LoomError } from '../../util/errors.js';
import { tf } from '../tf.js';
import { replaceWasmKernel, type LoomWasmKernel } from './registry.js';
import { LINEAR } from './matmul-core.js';
import { nativeConv2dBackpropInput } from './native-conv.js';
import { nativeKernels } from '../../native/index.js';
import {
  pairOrNumber, parsePad, parseRounding, parseShape4, requireNHWC, shape4,
} from './conv-attrs.js';
import { transposeInner } from './transpose-inner.js';
import type { BackendWasm, NamedAttrMap, TensorInfo } from './wasm-backend.js';
import {
  disposeIntermediate, heapBuffer, heapOffset, heapView, input, rawFusedMatMul, registeredKernelFunc, releaseView,
  runKernelFunc, shapeBytes, tensorId, wasmKernel,
} from './wasm-backend.js';

const NAME = 'Conv2DBackpropInput';

/** Target size (floats) of one chunk of the cols matrix. */
const CHUNK_FLOATS = 1 << 19;

type ConvInfo = tf.backend_util.Conv2DInfo;

/** Stride 1: dx = conv2d(dy, flipped W^T) with complementary padding; null if the pads do not fit. */
function viaConvolution(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: ConvInfo): TensorInfo | null {
  const { filterHeight: FH, filterWidth: FW, inChannels: Ci, outChannels: Co } = info;
  const top = FH - 1 - info.padInfo.top;
  const left = FW - 1 - info.padInfo.left;
  const bottom = info.inHeight - info.outHeight - top + FH - 1;
  const right = info.inWidth - info.outWidth - left + FW - 1;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
  // flipped[kh, kw, co, ci] = W[FH-1-kh, FW-1-kw, ci, co]
  const flipped = backend.makeOutput([FH, FW, Co, Ci], 'float32');
  try {
    const heap = new Float32Array(heapBuffer(backend));
    const src = heapOffset(backend, filter) >>> 2;
    const dst = heapOffset(backend, flipped) >>> 2;
    for (let kh = 0; kh < FH; kh++) {
      for (let kw = 0; kw < FW; kw++) {
        const s = src + ((FH - 1 - kh) * FW + (FW - 1 - kw)) * Ci * Co;
        const d = dst + (kh * FW + kw) * Co * Ci;
        for (let ci = 0; ci < Ci; ci++) for (let co = 0; co < Co; co++) heap[d + co * Ci + ci] = heap[s + ci * Co + co]!;
      }
    }
    return runKernelFunc(registeredKernelFunc('Conv2D', 'wasm'), 'Conv2D', { x: dy, filter: flipped }, backend, {
      strides: 1, dilations: 1, dataFormat: 'NHWC',
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    });
  } finally {
    disposeIntermediate(backend, flipped);
  }
}

/** Adds cols rows (one per output position of images [n0, n1)) into dx. Offsets in floats. */
function col2im(heap: Float32Array, colsOff: number, dxOff: number, n0: number, n1: number, info: ConvInfo): void {
  const { inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const P = FH * FW * Ci;
  let c = colsOff;
  for (let n = n0; n < n1; n++) {
    const image = dxOff + n * H * W * Ci;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, c += P) {
        for (let kh = 0; kh < FH; kh++) {
          const ih = oh * sh + kh - top;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < FW; kw++) {
            const iw = ow * sw + kw - left;
            if (iw < 0 || iw >= W) continue;
            const d = image + (ih * W + iw) * Ci;
            const s = c + (kh * FW + kw) * Ci;
            for (let ci = 0; ci < Ci; ci++) heap[d + ci] += heap[s + ci]!;
          }
        }
      }
    }
  }
}

function viaMatMul(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: ConvInfo): TensorInfo {
  const { batchSize: N, outHeight: OH, outWidth: OW, outChannels: Co } = info;
  const P = info.filterHeight * info.filterWidth * info.inChannels;
  const perImage = OH * OW;
  const dx = backend.makeOutput([...info.inShape], 'float32');
  const dxSize = tf.util.sizeFromShape(info.inShape);
  const imagesPerChunk = Math.max(1, Math.min(N, Math.floor(CHUNK_FLOATS / Math.max(1, P * perImage))));
  // W as [P, Co] transposed to [Co, P]: the product's b operand, packed by XNNPACK once for all chunks.
  const wT = transposeInner(backend, { dataId: filter.dataId, shape: [1, P, Co], dtype: 'float32' }, 1, P, Co);
  const cols = backend.makeOutput([imagesPerChunk * perImage, P], 'float32');
  const matmul = rawFusedMatMul(backend);
  try {
    new Float32Array(heapBuffer(backend), heapOffset(backend, dx), dxSize).fill(0);
    const dyBase = heapOffset(backend, dy);
    for (let n0 = 0; n0 < N; n0 += imagesPerChunk) {
      const n1 = Math.min(N, n0 + imagesPerChunk);
      const q = (n1 - n0) * perImage;
      const dyChunk = heapView(backend, dyBase + n0 * perImage * Co * 4, [1, q, Co]);
      try {
        matmul(
          tensorId(backend, dyChunk), shapeBytes([1, q, Co]), 3, tensorId(backend, wT), shapeBytes([1, Co, P]), 3,
          false, false, LINEAR.activation, 0, 0, 0, tensorId(backend, cols),
        );
      } finally {
        releaseView(backend, dyChunk);
      }
      col2im(new Float32Array(heapBuffer(backend)), heapOffset(backend, cols) >>> 2, heapOffset(backend, dx) >>> 2, n0, n1, info);
    }
  } finally {
    disposeIntermediate(backend, cols);
    disposeIntermediate(backend, wT);
  }
  return dx;
}

function conv2dBackpropInput(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, attrs: NamedAttrMap): TensorInfo {
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    throw new LoomError(`${NAME} on wasm supports float32 only, got ${dy.dtype} and ${filter.dtype}`);
  }
  requireNHWC(attrs.dataFormat, NAME);
  const inputShape = parseShape4(attrs.inputShape, 'inputShape', NAME);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape, shape4(filter.shape, 'filter', NAME), pairOrNumber(attrs.strides, 'strides', NAME), 1,
    parsePad(attrs.pad, NAME), parseRounding(attrs.dimRoundingMode), false, 'channelsLast',
  );
  const dyShape = shape4(dy.shape, 'dy', NAME);
  if (dyShape.some((d, i) => d !== info.outShape[i])) {
    throw new LoomError(`${NAME}: dy shape [${dyShape}] does not match the convolution's output [${info.outShape}]`);
  }
  const native = nativeKernels();
  if (native !== null) return nativeConv2dBackpropInput(native, backend, dy, filter, info);
  const P = info.filterHeight * info.filterWidth * info.inChannels;
  if (tf.util.sizeFromShape(info.inShape) === 0 || tf.util.sizeFromShape(dyShape) === 0 || P * info.outChannels === 0) {
    const dx = backend.makeOutput([...info.inShape], 'float32');
    new Float32Array(heapBuffer(backend), heapOffset(backend, dx), tf.util.sizeFromShape(info.inShape)).fill(0);
    return dx;
  }
  if (info.strideHeight === 1 && info.strideWidth === 1) {
    const dx = viaConvolution(backend, dy, filter, info);
    if (dx !== null) return dx;
  }
  return viaMatMul(backend, dy, filter, info);
}

const REASON = 'was a direct C++ loop (14 ms on LeNet conv2 at batch 128); now XNNPACK conv or matmul + col2im';

export const conv2dBackpropInputKernel: LoomWasmKernel = replaceWasmKernel(NAME, REASON, () =>
  wasmKernel(NAME, ({ inputs, backend, attrs }) =>
    conv2dBackpropInput(backend, input(inputs, 'dy', NAME), input(inputs, 'filter', NAME), attrs),
  ),
);
