/**
 * Kernels Loom registers into TensorFlow.js's wasm backend: faster replacements for slow ones
 * and the ones it lacks that training needs. One file per kernel.
 */
import { avgPoolGradKernel } from './avg-pool-grad.js';
import { batchMatMulKernel } from './batch-matmul.js';
import { biasAddKernel } from './bias-add.js';
import { biasSumKernel } from './bias-sum.js';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input.js';
import { conv2dKernel, fusedConv2dKernel } from './conv2d.js';
import { cpuFallbackKernel } from './cpu-fallback.js';
import { fusedMatMulKernel } from './fused-matmul.js';
import { identityKernel } from './identity.js';
import { maxPoolGradKernel } from './max-pool-grad.js';
import { powKernel } from './pow.js';
import { installWasmKernel, type KernelReplacement, type LoomWasmKernel } from './registry.js';
import { installReluGradient, reluGradKernel } from './relu-grad.js';
import { affineNormGradKernel, affineNormKernel, installAffineNormGradient } from '../ops/affine-norm.js';
import { denseGradKernel, denseKernel, installDenseGradient } from '../ops/dense.js';
import {
  installSoftmaxCrossEntropyGradient, softmaxCrossEntropyGradKernel, softmaxCrossEntropyKernel,
} from '../ops/softmax-cross-entropy.js';
import { sliceKernel } from './slice.js';
import { splitVKernel } from './split-v.js';
import { tanhKernel } from './tanh.js';
import { tileKernel } from './tile.js';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';

export type { KernelReplacement, LoomWasmKernel } from './registry.js';

/** Every kernel Loom installs for wasm, in installation order. */
export const WASM_KERNELS: readonly LoomWasmKernel[] = [
  batchMatMulKernel,
  fusedMatMulKernel,
  conv2dKernel,
  fusedConv2dKernel,
  conv2dBackpropFilterKernel,
  conv2dBackpropInputKernel,
  unsortedSegmentSumKernel,
  maxPoolGradKernel,
  avgPoolGradKernel,
  sliceKernel,
  splitVKernel,
  tileKernel,
  powKernel,
  tanhKernel,
  identityKernel,
  biasAddKernel,
  biasSumKernel,
  reluGradKernel,
  denseKernel,
  denseGradKernel,
  softmaxCrossEntropyKernel,
  softmaxCrossEntropyGradKernel,
  affineNormKernel,
  affineNormGradKernel,
  cpuFallbackKernel('Einsum', 'missing on wasm'),
  cpuFallbackKernel('DepthwiseConv2dNativeBackpropInput', 'missing on wasm (depthwise conv gradient)'),
  cpuFallbackKernel('DepthwiseConv2dNativeBackpropFilter', 'missing on wasm (depthwise conv gradient)'),
];

/** Registers every Loom kernel for the wasm backend (idempotent); returns what it changed. */
export function registerWasmKernels(): KernelReplacement[] {
  installDenseGradient();
  installSoftmaxCrossEntropyGradient();
  installAffineNormGradient();
  return [...WASM_KERNELS.map(installWasmKernel), installReluGradient()];
}
