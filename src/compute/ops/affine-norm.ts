/**
 * Group normalisation (Wu & He, "Group Normalization", ECCV 2018) and layer normalisation (Ba,
 * Kiros & Hinton 2016, GroupNorm's one-group case) as one op, with a ResNet block's epilogue
 * fused: y = act(standardise(x) * gain + bias [+ residual]), act linear or ReLU.
 *
 * On wasm with native kernels that have native/norm.cc, it is one kernel forward
 * (`LoomAffineNorm`: y, and the per-group mean and rstd that the backward reads) and one backward
 * (`LoomAffineNormGrad`: the ReLU's mask, dx, dgain, dbias, and the residual's gradient). Composed
 * from TensorFlow.js ops, GroupNorm is ~20 kernels each way, and was ~70% of the ResNet's step on
 * wasm. Elsewhere (cpu backend, no addon, an addon built before norm.cc) the composed op runs
 * (./affine-norm-composed.ts), then tf.add and tf.relu.
 */
import { nativeKernels, type NativeKernels, type NormShape } from '../../native/index.js';
import { LoomError } from '../../util/errors.js';
import { tf } from '../tf.js';
import { addWasmKernel, type LoomWasmKernel } from '../kernels/registry.js';
import type { NamedAttrMap, TensorInfo } from '../kernels/wasm-backend.js';
import { boolAttr, heapBuffer, heapOffset, input, numberAttr, wasmKernel } from '../kernels/wasm-backend.js';
import { composedAffineNorm, NORM_EPS } from './affine-norm-composed.js';

export const AFFINE_NORM = 'LoomAffineNorm';
export const AFFINE_NORM_GRAD = 'LoomAffineNormGrad';

export interface AffineNormOptions {
  /** Groups of channels (1 for LayerNorm); must divide the channel count (x's last axis). */
  readonly groups: number;
  /** Rows of x per statistic: H*W for NHWC GroupNorm, 1 for LayerNorm over the last axis. */
  readonly positions: number;
  /** Added after gain and bias, before the activation; x's shape. */
  readonly residual?: tf.Tensor;
  /** max(0, .) last. Default false. */
  readonly relu?: boolean;
}

/** Whether the native kernels can run it: wasm, an addon with norm.cc, float32 operands of matching sizes. */
function fusable(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, residual: tf.Tensor | undefined): boolean {
  const native = nativeKernels();
  const channels = x.shape[x.rank - 1]!;
  return (
    tf.getBackend() === 'wasm' && native !== null && native.affineNorm !== null && native.affineNormGrad !== null &&
    x.dtype === 'float32' && gain.dtype === 'float32' && bias.dtype === 'float32' && gain.size === channels && bias.size === channels &&
    (residual === undefined || (residual.dtype === 'float32' && tf.util.arraysEqual(residual.shape, x.shape)))
  );
}

/** act(standardise(x) * gain + bias [+ residual]), statistics per sample and group (see AffineNormOptions). */
export function affineNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, o: AffineNormOptions): tf.Tensor {
  const channels = x.shape[x.rank - 1]!;
  const relu = o.relu === true;
  if (!(x.rank >= 1 && o.groups >= 1 && channels % o.groups === 0 && o.positions >= 1 && x.size % (o.positions * channels) === 0)) {
    throw new LoomError(`affineNorm: x [${x.shape}] does not split into positions ${o.positions} x ${o.groups} groups of channels`);
  }
  // The residual is fused only under a ReLU: then its gradient is the kernel's masked dy.
  const fused = relu ? o.residual : undefined;
  if (fusable(x, gain, bias, fused)) {
    const inputs: tf.NamedTensorMap = fused === undefined ? { x, gain, bias } : { x, gain, bias, residual: fused };
    const attrs = { groups: o.groups, positions: o.positions, relu, residual: fused !== undefined, eps: NORM_EPS };
    const [y] = tf.engine().runKernel(AFFINE_NORM, inputs, attrs) as [tf.Tensor, tf.Tensor, tf.Tensor];
    return fused !== undefined || o.residual === undefined ? y : tf.add(y, o.residual);
  }
  const samples = x.size / (o.positions * channels);
  let y = composedAffineNorm(x, gain, bias, [samples, o.positions, o.groups, channels / o.groups]);
  if (o.residual !== undefined) y = tf.add(y, o.residual);
  return relu ? tf.relu(y) : y;
}

type NormKernels = { readonly [K in 'affineNorm' | 'affineNormGrad']: NonNullable<NativeKernels[K]> };

function need(kernel: string): NormKernels {
  const native = nativeKernels();
  const affineNorm = native?.affineNorm ?? null;
  const affineNormGrad = native?.affineNormGrad ?? null;
  if (affineNorm === null || affineNormGrad === null) throw new Error(`${kernel} runs only with native kernels that include native/norm.cc`);
  return { affineNorm, affineNormGrad };
}

function normShape(x: TensorInfo, attrs: NamedAttrMap, kernel: string): NormShape {
  const channels = x.shape[x.shape.length - 1] ?? 0;
  const positions = numberAttr(attrs, 'positions', kernel);
  const size = tf.util.sizeFromShape(x.shape);
  return { samples: channels === 0 ? 0 : size / (positions * channels), positions, channels, groups: numberAttr(attrs, 'groups', kernel) };
}

export const affineNormKernel: LoomWasmKernel = addWasmKernel(AFFINE_NORM, 'GroupNorm/LayerNorm (+ residual, ReLU) as one native kernel',
  wasmKernel(AFFINE_NORM, ({ inputs, backend, attrs }) => {
    const native = need(AFFINE_NORM);
    const x = input(inputs, 'x', AFFINE_NORM);
    const gain = input(inputs, 'gain', AFFINE_NORM);
    const bias = input(inputs, 'bias', AFFINE_NORM);
    const residual = inputs.residual;
    const s = normShape(x, attrs, AFFINE_NORM);
    const y = backend.makeOutput([...x.shape], 'float32');
    const mean = backend.makeOutput([s.samples, s.groups], 'float32');
    const rstd = backend.makeOutput([s.samples, s.groups], 'float32');
    // Every allocation is done: offsets and the heap stay valid from here.
    const at = (t: TensorInfo) => heapOffset(backend, t);
    native.affineNorm(heapBuffer(backend), s, {
      x: at(x), gain: at(gain), bias: at(bias), y: at(y), mean: at(mean), rstd: at(rstd),
      eps: numberAttr(attrs, 'eps', AFFINE_NORM), relu: boolAttr(attrs, 'relu'), ...(residual === undefined ? {} : { residual: at(residual) }),
    });
    return [y, mean, rstd];
  }),
);

export const affineNormGradKernel: LoomWasmKernel = addWasmKernel(AFFINE_NORM_GRAD, "the norm's backward (ReLU mask, dx, dgain, dbias) as one native kernel",
  wasmKernel(AFFINE_NORM_GRAD, ({ inputs, backend, attrs }) => {
    const native = need(AFFINE_NORM_GRAD);
    const [dy, x, mean, rstd, gain] = (['dy', 'x', 'mean', 'rstd', 'gain'] as const).map((n) => input(inputs, n, AFFINE_NORM_GRAD)) as
      [TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo];
    const y = inputs.y;
    const s = normShape(x, attrs, AFFINE_NORM_GRAD);
    const dx = backend.makeOutput([...x.shape], 'float32');
    const dgain = backend.makeOutput([s.channels], 'float32');
    const dbias = backend.makeOutput([s.channels], 'float32');
    const dz = boolAttr(attrs, 'residual') ? backend.makeOutput([...x.shape], 'float32') : null;
    const at = (t: TensorInfo) => heapOffset(backend, t);
    native.affineNormGrad(heapBuffer(backend), s, {
      dy: at(dy), x: at(x), mean: at(mean), rstd: at(rstd), gain: at(gain), dx: at(dx), dgain: at(dgain), dbias: at(dbias),
      ...(y === undefined ? {} : { y: at(y) }), ...(dz === null ? {} : { dz: at(dz) }),
    });
    return dz === null ? [dx, dgain, dbias] : [dx, dgain, dbias, dz];
  }),
);

const INSTALLED = Symbol.for('loom-ml.compute.affineNormGradient');

/** Registers the gradient of `LoomAffineNorm` (once per process). */
export function installAffineNormGradient(): void {
  const holder = globalThis as { [INSTALLED]?: boolean };
  if (holder[INSTALLED] === true) return;
  tf.registerGradient({
    kernelName: AFFINE_NORM,
    inputsToSave: ['x', 'gain'],
    outputsToSave: [true, true, true],
    gradFunc: (dys, saved, attrs) => {
      // Three outputs: dys holds dL/dy and zeros for mean and rstd, which nothing downstream reads.
      const dy = Array.isArray(dys) ? dys[0]! : dys;
      const [x, gain, y, mean, rstd] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const a = attrs as { groups: number; positions: number; relu?: boolean; residual?: boolean };
      const relu = a.relu === true;
      const residual = a.residual === true;
      const inputs: tf.NamedTensorMap = relu ? { dy, x, mean, rstd, gain, y } : { dy, x, mean, rstd, gain };
      const [dx, dgain, dbias, dz] = tf.engine().runKernel(AFFINE_NORM_GRAD, inputs, { groups: a.groups, positions: a.positions, residual }) as tf.Tensor[];
      return {
        x: () => dx!,
        gain: () => dgain!,
        bias: () => dbias!,
        ...(residual ? { residual: () => dz! } : {}),
      };
    },
  });
  holder[INSTALLED] = true;
}
