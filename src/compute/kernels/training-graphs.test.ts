/**
 * Forward + backward of small versions of the graphs Loom's models build (MLP, LeNet-5, a small
 * ResNet with group norm, a char-level GPT block), on wasm with Loom's kernels against the cpu
 * backend: every kernel these graphs need must exist on wasm, and loss and all gradients agree.
 * This is how missing kernels ("Kernel 'X' not registered for backend 'wasm'") were found.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { TOLERANCE, ints, normal, setupBackends, wasmVsCpu, type ArrayInput } from './test-support/compare.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) over the loss and every gradient.

type T = tf.Tensor;

function params(rng: Rng, shapes: number[][], scale = 0.3): ArrayInput[] {
  return shapes.map((shape) => {
    const p = normal(rng, shape);
    return { values: p.values.map((v) => v * scale), shape };
  });
}

/** Loss and the gradients of all `ps` (the first `fixed` inputs are data, not differentiated). */
function lossAndGrads(fixed: number, loss: (data: T[], ps: T[]) => T) {
  return (...xs: (T | undefined)[]): T[] => {
    const all = xs.map((x) => x!);
    const data = all.slice(0, fixed);
    const ps = all.slice(fixed);
    const f = (...p: T[]): tf.Scalar => loss(data, p) as tf.Scalar;
    const value = f(...ps);
    return [value, ...tf.grads(f)(ps)];
  };
}

function dense(x: T, w: T, b: T): T {
  return tf.add(tf.matMul(x, w), b);
}

function layerNorm(x: T, g: T, b: T): T {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
}

function groupNorm(x: T, groups: number, g: T, b: T): T {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const r = tf.reshape(x, [n, h, w, groups, c / groups]);
  const { mean, variance } = tf.moments(r, [1, 2, 4], true);
  const y = tf.reshape(tf.div(tf.sub(r, mean), tf.sqrt(tf.add(variance, 1e-5))), [n, h, w, c]);
  return tf.add(tf.mul(y, g), b);
}

function geluTanh(x: T): T {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
}

function crossEntropy(logits: T, labels: T, classes: number): T {
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels as tf.Tensor1D, classes)), -1)));
}

describe('training graphs of the models: wasm (Loom kernels) vs cpu', () => {
  beforeAll(setupBackends);

  it('MLP 784-64-64-10 (matMul + bias + relu, softmaxCrossEntropy), batch 7', async () => {
    const rng = new Rng(1);
    const inputs = [
      normal(rng, [7, 784]), ints(rng, [7], 10),
      ...params(rng, [[784, 64], [64], [64, 64], [64], [64, 10], [10]], 0.05),
    ];
    const err = await wasmVsCpu(inputs, lossAndGrads(2, ([x, y], [w1, b1, w2, b2, w3, b3]) => {
      const h1 = tf.relu(dense(x!, w1!, b1!));
      const h2 = tf.relu(dense(h1, w2!, b2!));
      return tf.losses.softmaxCrossEntropy(tf.oneHot(y as tf.Tensor1D, 10), dense(h2, w3!, b3!));
    }));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('MLP with fused matMul (bias + relu) and logSoftmax cross entropy, batch 33', async () => {
    const rng = new Rng(2);
    const inputs = [normal(rng, [33, 50]), ints(rng, [33], 10), ...params(rng, [[50, 40], [40], [40, 10], [10]], 0.2)];
    const err = await wasmVsCpu(inputs, lossAndGrads(2, ([x, y], [w1, b1, w2, b2]) => {
      const h = tf.fused.matMul({ a: x!, b: w1!, bias: b1!, activation: 'relu' });
      return crossEntropy(tf.fused.matMul({ a: h, b: w2!, bias: b2! }), y!, 10);
    }));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('LeNet-5 (conv 5x5 same/valid + relu + maxPool, dense), batch 3', async () => {
    const rng = new Rng(3);
    const inputs = [
      normal(rng, [3, 28, 28, 1]), ints(rng, [3], 10),
      ...params(rng, [[5, 5, 1, 6], [6], [5, 5, 6, 16], [16], [400, 32], [32], [32, 10], [10]], 0.2),
    ];
    const err = await wasmVsCpu(inputs, lossAndGrads(2, ([x, y], [c1, cb1, c2, cb2, w1, b1, w2, b2]) => {
      let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, c1 as tf.Tensor4D, 1, 'same'), cb1!)) as tf.Tensor4D, 2, 2, 'valid');
      h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, c2 as tf.Tensor4D, 1, 'valid'), cb2!)) as tf.Tensor4D, 2, 2, 'valid');
      const f = tf.relu(dense(tf.reshape(h, [3, 400]), w1!, b1!));
      return tf.losses.softmaxCrossEntropy(tf.oneHot(y as tf.Tensor1D, 10), dense(f, w2!, b2!));
    }));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('LeNet variant with fused conv2d (bias + relu) and avgPool, batch 2', async () => {
    const rng = new Rng(4);
    const inputs = [normal(rng, [2, 28, 28, 1]), ints(rng, [2], 10), ...params(rng, [[5, 5, 1, 6], [6], [5, 5, 6, 16], [16], [400, 10], [10]], 0.2)];
    const err = await wasmVsCpu(inputs, lossAndGrads(2, ([x, y], [c1, cb1, c2, cb2, w, b]) => {
      let h = tf.avgPool(tf.fused.conv2d({ x: x as tf.Tensor4D, filter: c1 as tf.Tensor4D, strides: 1, pad: 'same', bias: cb1!, activation: 'relu' }), 2, 2, 'valid');
      h = tf.maxPool(tf.fused.conv2d({ x: h, filter: c2 as tf.Tensor4D, strides: 1, pad: 'valid', bias: cb2!, activation: 'relu' }), 2, 2, 'valid');
      return crossEntropy(dense(tf.reshape(h, [2, 400]), w!, b!), y!, 10);
    }));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('small ResNet (conv 3x3 + group norm + residual add, stride-2 conv, avgPool, global mean), batch 3', async () => {
    const rng = new Rng(5);
    const C = 8;
    const inputs = [
      normal(rng, [3, 12, 12, 3]), ints(rng, [3], 10),
      ...params(rng, [[3, 3, 3, C], [C], [C], [3, 3, C, C], [C], [C], [3, 3, C, C], [C], [C], [3, 3, C, 2 * C], [2 * C, 10], [10]], 0.3),
    ];
    const err = await wasmVsCpu(inputs, lossAndGrads(2, ([x, y], p) => {
      const conv = (v: T, w: T, stride = 1): T => tf.conv2d(v as tf.Tensor4D, w as tf.Tensor4D, stride, 'same');
      let h = tf.relu(groupNorm(conv(x!, p[0]!), 2, p[1]!, p[2]!));
      let r = tf.relu(groupNorm(conv(h, p[3]!), 2, p[4]!, p[5]!));
      r = groupNorm(conv(r, p[6]!), 2, p[7]!, p[8]!);
      h = tf.relu(tf.add(h, r));
      h = tf.avgPool(tf.relu(conv(h, p[9]!, 2)) as tf.Tensor4D, 2, 2, 'valid');
      return crossEntropy(dense(tf.mean(h, [1, 2]), p[10]!, p[11]!), y!, 10);
    }));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('char GPT block (gather embeddings, layer norm, causal attention, GELU-tanh MLP), batch 3', async () => {
    const rng = new Rng(6);
    const [B, T, C, H, V] = [3, 8, 16, 2, 13];
    const D = C / H;
    const inputs = [
      ints(rng, [B, T], V), ints(rng, [B * T], V),
      ...params(rng, [[V, C], [T, C], [C], [C], [C, 3 * C], [3 * C], [C, C], [C], [C], [C], [C, 4 * C], [4 * C], [4 * C, C], [C], [C, V]], 0.3),
    ];
    const err = await wasmVsCpu(inputs, lossAndGrads(2, ([idx, tgt], p) => {
      const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
      let x = tf.add(tf.gather(p[0]!, idx!), p[1]!);
      const h = layerNorm(x, p[2]!, p[3]!);
      const qkv = dense(tf.reshape(h, [B * T, C]), p[4]!, p[5]!);
      const [q, k, v] = tf.split(tf.reshape(qkv, [B, T, 3, H, D]), 3, 2).map((t) => tf.transpose(tf.reshape(t, [B, T, H, D]), [0, 2, 1, 3]));
      let att = tf.mul(tf.matMul(q!, k!, false, true), 1 / Math.sqrt(D));
      att = tf.softmax(tf.where(tf.equal(mask, 0), tf.fill([B, H, T, T], -1e9), att));
      const o = tf.reshape(tf.transpose(tf.matMul(att, v!), [0, 2, 1, 3]), [B * T, C]);
      x = tf.add(x, tf.reshape(dense(o, p[6]!, p[7]!), [B, T, C]));
      const h2 = tf.reshape(layerNorm(x, p[8]!, p[9]!), [B * T, C]);
      x = tf.add(x, tf.reshape(dense(geluTanh(dense(h2, p[10]!, p[11]!)), p[12]!, p[13]!), [B, T, C]));
      return tf.losses.softmaxCrossEntropy(tf.oneHot(tgt as tf.Tensor1D, V), tf.matMul(tf.reshape(x, [B * T, C]), p[14]!));
    }));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('one-hot embedding through matMul and a batched attention product with transposeA', async () => {
    const rng = new Rng(7);
    const inputs = [ints(rng, [5 * 4], 11), normal(rng, [5, 4, 6]), ...params(rng, [[11, 6], [5, 4, 6]], 0.5)];
    const err = await wasmVsCpu(inputs, lossAndGrads(2, ([idx, q], [emb, k]) => {
      const e = tf.reshape(tf.matMul(tf.oneHot(idx as tf.Tensor1D, 11), emb!), [5, 4, 6]);
      return tf.sum(tf.square(tf.matMul(tf.matMul(e, k!, true, false), q!, false, true)));
    }));
    expect(err).toBeLessThan(TOLERANCE);
  });
});
