/**
 * Loom as a library for a tfjs model of one's own: an MLP written with plain tf.variables and
 * Loom's `dense` and `softmaxCrossEntropyLoss` trains through tf.variableGrads on the native
 * kernels (the profile names LoomDense), with the gradients of the same model composed from
 * stock tfjs ops (max abs difference within 1e-5).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, initBackend, nativeKernels, nativeStatus, softmaxCrossEntropyLoss } from './index.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function model(seed: number) {
  const w1 = tf.variable(tf.randomNormal([12, 16], 0, 0.3, 'float32', seed));
  const b1 = tf.variable(tf.zeros([16]) as tf.Tensor1D);
  const w2 = tf.variable(tf.randomNormal([16, 4], 0, 0.3, 'float32', seed + 1));
  const b2 = tf.variable(tf.zeros([4]) as tf.Tensor1D);
  return { w1, b1, w2, b2 };
}

describe('Loom ops in a tfjs model of your own', () => {
  it('train through tf.variableGrads on the native kernels, with the stock ops gradients', async (ctx) => {
    if (nativeKernels() === null) ctx.skip(`native kernels not loaded: ${nativeStatus().reason ?? 'unknown'}`);
    const { w1, b1, w2, b2 } = model(7);
    const x = tf.randomNormal([8, 12], 0, 1, 'float32', 3) as tf.Tensor2D;
    const targets = Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3]);
    const loom = (): tf.Scalar => softmaxCrossEntropyLoss(dense(dense(x, w1 as tf.Tensor2D, b1 as tf.Tensor1D, 'relu', false), w2 as tf.Tensor2D, b2 as tf.Tensor1D, 'linear', true), targets);
    const stock = (): tf.Scalar => {
      const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
      const logits = tf.add(tf.matMul(h, w2), b2);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(targets, 'int32'), 4), logits) as tf.Scalar;
    };
    const profile = await tf.profile(() => tf.variableGrads(loom).value);
    expect(profile.kernelNames).toContain('LoomDense');
    const ours = tf.variableGrads(loom);
    const theirs = tf.variableGrads(stock);
    expect(Math.abs(ours.value.dataSync()[0]! - theirs.value.dataSync()[0]!)).toBeLessThan(1e-5);
    for (const name of Object.keys(theirs.grads)) {
      const diff = tf.max(tf.abs(tf.sub(ours.grads[name]!, theirs.grads[name]!))).dataSync()[0]!;
      expect(diff, name).toBeLessThan(1e-5);
    }
  });
});
