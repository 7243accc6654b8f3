/**
 * GroupNorm / LayerNorm composed from TensorFlow.js ops, with a hand-written gradient: the path
 * wherever the native kernel (./affine-norm.ts) does not run (cpu backend, no addon, an addon built
 * before native/norm.cc), and the reference the native kernel is tested against.
 */
import { tf } from '../tf.js';

/** PyTorch's default for LayerNorm and GroupNorm. */
export const NORM_EPS = 1e-5;

/** x reshaped to [samples, positions, groups, per group]: statistics over axes 1 and 3. */
export type NormView = [number, number, number, number];

/**
 * y = standardise(x) * gain + bias, statistics over axes 1 and 3 of `view`; gain and bias per
 * channel (last axis of x). Hand-written gradient (the standard one, biased variance as in
 * PyTorch): about half the kernels of tfjs autodiff through mean/sub/square/rsqrt.
 */
export function composedAffineNorm(input: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, view: NormView): tf.Tensor {
  const shape = input.shape;
  const channelAxes = shape.slice(0, -1).map((_, i) => i); // every axis but the channel axis
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const grouped = tf.reshape(x, view);
    const centred = tf.sub(grouped, tf.mean(grouped, [1, 3], true));
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), [1, 3], true), NORM_EPS));
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
