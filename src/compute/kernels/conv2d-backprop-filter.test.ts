import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmDataIds, wasmVsCpu } from './test-support/compare.js';
import { convCaseTitle, convOutShape, type ConvCase } from './test-support/conv-cases.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) (see test-support/compare.ts).

function runKernel(c: ConvCase) {
  return (x: tf.Tensor | undefined, dy: tf.Tensor | undefined): tf.Tensor =>
    tf.engine().runKernel('Conv2DBackpropFilter', { x: x!, dy: dy! }, {
      strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter,
    }) as tf.Tensor;
}

const CASES: ConvCase[] = [
  { x: [1, 1, 1, 1], filter: [1, 1, 1, 1], strides: 1, pad: 'valid' },
  { x: [1, 7, 7, 1], filter: [3, 3, 1, 2], strides: 1, pad: 'same' },
  { x: [3, 7, 7, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'same' },
  { x: [3, 7, 7, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'valid' },
  { x: [5, 9, 8, 3], filter: [5, 2, 3, 4], strides: [2, 3], pad: 'same' },
  { x: [2, 8, 8, 4], filter: [4, 4, 4, 3], strides: 2, pad: 'same' }, // even filter: asymmetric 'same' pad
  { x: [3, 10, 9, 2], filter: [3, 3, 2, 7], strides: 1, pad: 1 },
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 2, pad: [[0, 0], [2, 1], [0, 2], [0, 0]] },
  { x: [7, 28, 28, 1], filter: [5, 5, 1, 6], strides: 1, pad: 'same' }, // LeNet conv1
  { x: [7, 14, 14, 6], filter: [5, 5, 6, 16], strides: 1, pad: 'valid' }, // LeNet conv2
  { x: [1, 33, 33, 1], filter: [7, 7, 1, 1], strides: 3, pad: 'valid' },
  { x: [33, 6, 6, 8], filter: [1, 1, 8, 33], strides: 1, pad: 'valid' }, // 1x1 conv, many images
  { x: [30, 12, 12, 8], filter: [3, 3, 8, 16], strides: 1, pad: 'same' }, // two chunks, the last one partial
];

describe('Conv2DBackpropFilter (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(installedWasmKernel('Conv2DBackpropFilter'));
  });

  for (const [i, c] of CASES.entries()) {
    it(convCaseTitle(c), async () => {
      const rng = new Rng(100 + i);
      const err = await wasmVsCpu([normal(rng, c.x), normal(rng, convOutShape(c))], runKernel(c));
      expect(err).toBeLessThan(TOLERANCE);
    });
  }

  it('matches cpu through tf.grad of conv2d (filter gradient)', async () => {
    const rng = new Rng(9);
    const x = normal(rng, [3, 11, 11, 2]);
    const w = normal(rng, [3, 3, 2, 4]);
    const err = await wasmVsCpu([x, w], (xs, ws) =>
      tf.grad((f: tf.Tensor) => tf.conv2d(xs as tf.Tensor4D, f as tf.Tensor4D, 2, 'same').square().sum())(ws!),
    );
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('rejects NCHW with a clear error', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 2, 5, 5]);
    const dy = tf.zeros([1, 3, 5, 5]);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] }),
    ).toThrow(/NHWC only/);
    tf.dispose([x, dy]);
  });

  it('frees its intermediates', async () => {
    await tf.setBackend('wasm');
    const c = CASES[CASES.length - 1]!;
    const x = tf.randomNormal(c.x);
    const dy = tf.randomNormal(convOutShape(c));
    const before = wasmDataIds();
    runKernel(c)(x, dy).dispose();
    expect(wasmDataIds()).toBe(before);
    tf.dispose([x, dy]);
  });
});
