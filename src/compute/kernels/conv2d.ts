/**
 * `Conv2D` and `FusedConv2D` for wasm on the native kernels when the addon is loaded: im2col +
 * packed GEMM with the bias and ReLU in the GEMM's epilogue (LeNet's first convolution at batch
 * 128: ~8.5 ms on XNNPACK plus 4 ms for the broadcasting bias Add, ~2 ms native). Without the
 * addon, and for what the epilogue cannot fuse (other activations, PReLU, a bias that is not one
 * value per output channel, non-float32 or NCHW data), the backend's own kernel runs.
 */
import { nativeKernels } from '../../native/index.js';
import { tf } from '../tf.js';
import { pairOrNumber, parsePad, parseRounding, shape4 } from './conv-attrs.js';
import { nativeConv2d } from './native-conv.js';
import { extendWasmKernel, type LoomWasmKernel } from './registry.js';
import type { NamedAttrMap, TensorInfo } from './wasm-backend.js';
import { input, runKernelFunc, wasmKernel } from './wasm-backend.js';

const REASON = 'native im2col + GEMM with bias and ReLU fused (when the addon is loaded)';

function convInfo(x: TensorInfo, filter: TensorInfo, attrs: NamedAttrMap, kernel: string): tf.backend_util.Conv2DInfo {
  const dilations = attrs.dilations === undefined ? 1 : pairOrNumber(attrs.dilations, 'dilations', kernel);
  return tf.backend_util.computeConv2DInfo(
    shape4(x.shape, 'x', kernel), shape4(filter.shape, 'filter', kernel), pairOrNumber(attrs.strides, 'strides', kernel),
    dilations, parsePad(attrs.pad, kernel), parseRounding(attrs.dimRoundingMode), false, 'channelsLast',
  );
}

const nativeData = (x: TensorInfo, filter: TensorInfo, attrs: NamedAttrMap): boolean =>
  x.dtype === 'float32' && filter.dtype === 'float32' && (attrs.dataFormat === undefined || attrs.dataFormat === 'NHWC');

export const conv2dKernel: LoomWasmKernel = extendWasmKernel('Conv2D', REASON, (original) =>
  wasmKernel('Conv2D', ({ inputs, backend, attrs }) => {
    const native = nativeKernels();
    const x = input(inputs, 'x', 'Conv2D');
    const filter = input(inputs, 'filter', 'Conv2D');
    if (native === null || !nativeData(x, filter, attrs)) return runKernelFunc(original.kernelFunc, 'Conv2D', inputs, backend, attrs);
    return nativeConv2d(native, backend, x, filter, convInfo(x, filter, attrs, 'Conv2D'));
  }),
);

export const fusedConv2dKernel: LoomWasmKernel = extendWasmKernel('FusedConv2D', REASON, (original) =>
  wasmKernel('FusedConv2D', ({ inputs, backend, attrs }) => {
    const native = nativeKernels();
    const x = input(inputs, 'x', 'FusedConv2D');
    const filter = input(inputs, 'filter', 'FusedConv2D');
    const bias = inputs.bias;
    const activation = attrs.activation ?? 'linear';
    const fusable =
      native !== null && nativeData(x, filter, attrs) && (activation === 'linear' || activation === 'relu') &&
      (bias === undefined || (bias.dtype === 'float32' && tf.util.sizeFromShape(bias.shape) === filter.shape[3]));
    if (!fusable) return runKernelFunc(original.kernelFunc, 'FusedConv2D', inputs, backend, attrs);
    return nativeConv2d(native, backend, x, filter, convInfo(x, filter, attrs, 'FusedConv2D'), {
      ...(bias === undefined ? {} : { bias }), relu: activation === 'relu',
    });
  }),
);
