/** Normalisations that use no batch statistics, so results do not depend on how a batch is split. */
import { tf } from '../../compute/index.js';
import { ones, zeros, type Layer, type LayerDef } from '../layer.js';

const EPS = 1e-5; // PyTorch's default for LayerNorm and GroupNorm

/** Normalise `x` to zero mean, unit variance over `axes` (biased variance, like PyTorch). */
function standardise(x: tf.Tensor, axes: number[]): tf.Tensor {
  const centred = tf.sub(x, tf.mean(x, axes, true));
  const variance = tf.mean(tf.square(centred), axes, true);
  return tf.mul(centred, tf.rsqrt(tf.add(variance, EPS)));
}

/** Layer normalisation (Ba et al. 2016) over the last axis, with per-feature gain and bias. */
export function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(standardise(x, [x.rank - 1]), gain), bias);
}

/** Group normalisation (Wu & He 2018) of NHWC `x`: statistics per sample over (h, w, channels of a group). */
export function groupNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, groups: number): tf.Tensor {
  const [n, h, w, c] = x.shape;
  const grouped = tf.reshape(x, [n, h, w, groups, c / groups]);
  const normalised = tf.reshape(standardise(grouped, [1, 2, 4]), [n, h, w, c]);
  return tf.add(tf.mul(normalised, gain), bias);
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
