/** Normalisations that use no batch statistics, so results do not depend on how a batch is split. */
import { tf } from '../../compute/index.js';
import { ones, zeros, type Layer, type LayerDef } from '../layer.js';

const EPS = 1e-5; // PyTorch's default for LayerNorm and GroupNorm

type View = [number, number, number, number];

/**
 * y = standardise(x) * gain + bias, statistics over axes 1 and 3 of `view` (x reshaped to
 * [samples, positions, groups, per group]); gain and bias per channel (last axis of x).
 * Hand-written gradient (the standard one, biased variance as in PyTorch): about half the
 * kernels of tfjs autodiff through mean/sub/square/rsqrt, the difference that matters on wasm,
 * where the norms of a ResNet otherwise cost as much as its convolutions.
 */
function affineNorm(input: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, view: View): tf.Tensor {
  const shape = input.shape;
  const channelAxes = shape.slice(0, -1).map((_, i) => i); // every axis but the channel axis
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const grouped = tf.reshape(x, view);
    const centred = tf.sub(grouped, tf.mean(grouped, [1, 3], true));
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), [1, 3], true), EPS));
    const normalised = tf.reshape(tf.mul(centred, rstd), shape);
    save([normalised, rstd, g]);
    const gradFunc = (dy: tf.Tensor, [xHat, r, gSaved]: tf.Tensor[]) => {
      const dGain = tf.sum(tf.mul(dy, xHat), channelAxes);
      const dBias = tf.sum(dy, channelAxes);
      const dxHat = tf.reshape(tf.mul(dy, gSaved), view);
      const xHatView = tf.reshape(xHat, view);
      // dx = rstd * (dxHat - mean(dxHat) - xHat * mean(dxHat * xHat)), means over the group
      const meanD = tf.mean(dxHat, [1, 3], true);
      const meanDX = tf.mean(tf.mul(dxHat, xHatView), [1, 3], true);
      const dx = tf.mul(tf.sub(tf.sub(dxHat, meanD), tf.mul(xHatView, meanDX)), r);
      return [tf.reshape(dx, shape), dGain, dBias];
    };
    return { value: tf.add(tf.mul(normalised, g), b), gradFunc };
  });
  return op(input, gain, bias);
}

/** Layer normalisation (Ba et al. 2016) over the last axis, with per-feature gain and bias. */
export function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const features = x.shape[x.rank - 1];
  return affineNorm(x, gain, bias, [x.size / features, 1, 1, features]);
}

/** Group normalisation (Wu & He 2018) of NHWC `x`: statistics per sample over (h, w, channels of a group). */
export function groupNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, groups: number): tf.Tensor {
  const [n, h, w, c] = x.shape;
  return affineNorm(x, gain, bias, [n, h * w, groups, c / groups]);
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
