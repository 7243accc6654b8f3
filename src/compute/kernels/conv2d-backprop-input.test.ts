import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmDataIds, wasmVsCpu } from './test-support/compare.js';
import { convCaseTitle, convOutShape, type ConvCase } from './test-support/conv-cases.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) (see test-support/compare.ts).

function runKernel(c: ConvCase) {
  return (dy: tf.Tensor | undefined, filter: tf.Tensor | undefined): tf.Tensor =>
    tf.engine().runKernel('Conv2DBackpropInput', { dy: dy!, filter: filter! }, {
      strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x,
    }) as tf.Tensor;
}

const CASES: ConvCase[] = [
  // stride 1: through the backend's XNNPACK Conv2D with a flipped filter
  { x: [1, 1, 1, 1], filter: [1, 1, 1, 1], strides: 1, pad: 'valid' },
  { x: [1, 7, 7, 1], filter: [3, 3, 1, 2], strides: 1, pad: 'same' },
  { x: [3, 7, 9, 2], filter: [3, 3, 2, 5], strides: 1, pad: 'valid' },
  { x: [2, 8, 8, 4], filter: [4, 4, 4, 3], strides: 1, pad: 'same' }, // even filter: asymmetric pads
  { x: [3, 10, 9, 2], filter: [3, 5, 2, 7], strides: 1, pad: 1 },
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  { x: [7, 28, 28, 1], filter: [5, 5, 1, 6], strides: 1, pad: 'same' }, // LeNet conv1
  { x: [33, 14, 14, 6], filter: [5, 5, 6, 16], strides: 1, pad: 'valid' }, // LeNet conv2
  { x: [5, 16, 16, 16], filter: [3, 3, 16, 16], strides: 1, pad: 'same' }, // ResNet block
  // other strides, and pads larger than filter - 1: matmul + col2im
  { x: [3, 7, 7, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'same' },
  { x: [3, 7, 7, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'valid' },
  { x: [5, 9, 8, 3], filter: [5, 2, 3, 4], strides: [2, 3], pad: 'same' },
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 2, pad: [[0, 0], [2, 1], [0, 2], [0, 0]] },
  { x: [2, 6, 6, 2], filter: [3, 3, 2, 3], strides: 1, pad: 3 },
  { x: [1, 33, 33, 1], filter: [7, 7, 1, 1], strides: 3, pad: 'valid' },
  { x: [40, 16, 16, 8], filter: [3, 3, 8, 16], strides: 2, pad: 'same' }, // several chunks
];

describe('Conv2DBackpropInput (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(installedWasmKernel('Conv2DBackpropInput'));
  });

  for (const [i, c] of CASES.entries()) {
    it(convCaseTitle(c), async () => {
      const rng = new Rng(200 + i);
      expect(await wasmVsCpu([normal(rng, convOutShape(c)), normal(rng, c.filter)], runKernel(c))).toBeLessThan(TOLERANCE);
    });
  }

  it('matches cpu through tf.grad of conv2d (input gradient)', async () => {
    const rng = new Rng(19);
    const x = normal(rng, [3, 11, 11, 2]);
    const w = normal(rng, [3, 3, 2, 4]);
    for (const stride of [1, 2]) {
      const err = await wasmVsCpu([x, w], (xs, ws) =>
        tf.grad((v: tf.Tensor) => tf.conv2d(v as tf.Tensor4D, ws as tf.Tensor4D, stride, 'same').square().sum())(xs!),
      );
      expect(err).toBeLessThan(TOLERANCE);
    }
  });

  it('frees its intermediates', async () => {
    await tf.setBackend('wasm');
    for (const c of [CASES[8]!, CASES[CASES.length - 1]!]) {
      const dy = tf.randomNormal(convOutShape(c));
      const filter = tf.randomNormal(c.filter);
      const before = wasmDataIds();
      runKernel(c)(dy, filter).dispose();
      expect(wasmDataIds()).toBe(before);
      tf.dispose([dy, filter]);
    }
  });
});
