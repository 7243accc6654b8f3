/** Normalisations that use no batch statistics, so results do not depend on how a batch is split. */
import { affineNorm, tf } from '../../compute/index.js';
import { ones, zeros, type Layer, type LayerDef } from '../layer.js';

/** Layer normalisation (Ba et al. 2016) over the last axis, with per-feature gain and bias. */
export function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  return affineNorm(x, gain, bias, { groups: 1, positions: 1 });
}

/** What a ResNet block fuses after a GroupNorm: a residual added, then a ReLU. */
export interface NormEpilogue {
  readonly residual?: tf.Tensor;
  readonly relu?: boolean;
}

/**
 * Group normalisation (Wu & He 2018) of NHWC `x`: statistics per sample over (h, w, channels of a
 * group); then `epilogue`'s residual add and ReLU (one native kernel each way on wasm, see
 * compute/ops/affine-norm.ts).
 */
export function groupNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, groups: number, epilogue: NormEpilogue = {}): tf.Tensor {
  const [, h, w] = x.shape;
  return affineNorm(x, gain, bias, { groups, positions: h! * w!, ...epilogue });
}

/** A LayerNorm layer over the last axis (the transformer's final norm). */
export function layerNormLayer(name: string): LayerDef {
  return (inputShape) => {
    const features = inputShape[inputShape.length - 1];
    const layer: Layer = {
      name,
      kind: 'layernorm',
      inputShape,
      outputShape: inputShape,
      params: [
        { name: 'weight', shape: [features], init: ones },
        { name: 'bias', shape: [features], init: zeros },
      ],
      forwardFlops: 0,
      apply: (p, x) => layerNorm(x, p.weight, p.bias),
    };
    return layer;
  };
}
