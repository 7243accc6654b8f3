/**
 * Convolutions through Loom's native kernels (native/conv.cc: im2col + the packed GEMM), in place
 * on the wasm heap: used by `Conv2D`, `FusedConv2D` (bias + linear/ReLU fused into the GEMM's
 * epilogue) and both backprop kernels whenever the addon is loaded. NHWC, as the wasm backend.
 */
import type { ConvGeometry, NativeKernels } from '../../native/index.js';
import { tf } from '../tf.js';
import type { BackendWasm, TensorInfo } from './wasm-backend.js';
import { heapBuffer, heapOffset } from './wasm-backend.js';

type ConvInfo = tf.backend_util.Conv2DInfo;

export function convGeometry(info: ConvInfo): ConvGeometry {
  return {
    batch: info.batchSize, inHeight: info.inHeight, inWidth: info.inWidth, inChannels: info.inChannels,
    outHeight: info.outHeight, outWidth: info.outWidth, outChannels: info.outChannels,
    filterHeight: info.filterHeight, filterWidth: info.filterWidth,
    strideHeight: info.strideHeight, strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight, dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top, padLeft: info.padInfo.left,
  };
}

/** y = act(conv2d(x, filter) + bias), act linear or ReLU; bias holds one value per output channel. */
export function nativeConv2d(
  native: NativeKernels, backend: BackendWasm, x: TensorInfo, filter: TensorInfo, info: ConvInfo,
  epilogue: { readonly bias?: TensorInfo; readonly relu: boolean } = { relu: false },
): TensorInfo {
  const y = backend.makeOutput([...info.outShape], 'float32');
  // Offsets and the heap are read after the allocation: it may have grown (and moved) the heap.
  native.conv2d(heapBuffer(backend), convGeometry(info), {
    x: heapOffset(backend, x), w: heapOffset(backend, filter), y: heapOffset(backend, y), relu: epilogue.relu,
    ...(epilogue.bias ? { bias: heapOffset(backend, epilogue.bias) } : {}),
  });
  return y;
}

export function nativeConv2dBackpropInput(
  native: NativeKernels, backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: ConvInfo,
): TensorInfo {
  const dx = backend.makeOutput([...info.inShape], 'float32');
  native.conv2dBackpropInput(heapBuffer(backend), convGeometry(info), {
    dy: heapOffset(backend, dy), w: heapOffset(backend, filter), dx: heapOffset(backend, dx),
  });
  return dx;
}

export function nativeConv2dBackpropFilter(
  native: NativeKernels, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: ConvInfo,
): TensorInfo {
  const dw = backend.makeOutput([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels], 'float32');
  native.conv2dBackpropFilter(heapBuffer(backend), convGeometry(info), {
    x: heapOffset(backend, x), dy: heapOffset(backend, dy), dw: heapOffset(backend, dw),
  });
  return dw;
}
