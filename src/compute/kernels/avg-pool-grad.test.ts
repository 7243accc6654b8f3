import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmDataIds, wasmVsCpu } from './test-support/compare.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) (see test-support/compare.ts).

type Pad = 'same' | 'valid' | number;

interface Case {
  readonly x: [number, number, number, number];
  readonly filter: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: Pad;
}

const CASES: Case[] = [
  { x: [1, 1, 1, 1], filter: 1, strides: 1, pad: 'valid' },
  { x: [3, 28, 28, 6], filter: 2, strides: 2, pad: 'valid' }, // LeNet pool1
  { x: [5, 10, 10, 16], filter: 2, strides: 2, pad: 'valid' }, // LeNet pool2
  { x: [3, 7, 7, 3], filter: 3, strides: 2, pad: 'same' }, // windows cut by padding
  { x: [2, 9, 8, 5], filter: 3, strides: 1, pad: 'same' }, // overlapping windows
  { x: [7, 9, 11, 2], filter: [2, 3], strides: [1, 2], pad: 'valid' },
  { x: [3, 8, 8, 33], filter: 3, strides: 2, pad: 1 },
];

describe('AvgPoolGrad (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('AvgPoolGrad', 'wasm')).toBe(installedWasmKernel('AvgPoolGrad'));
  });

  for (const [i, c] of CASES.entries()) {
    it(`x=[${c.x}] filter=${JSON.stringify(c.filter)} strides=${JSON.stringify(c.strides)} pad=${c.pad}`, async () => {
      const rng = new Rng(400 + i);
      const dyShape = tf.backend_util.computePool2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
      const err = await wasmVsCpu([normal(rng, c.x), normal(rng, dyShape)], (xs, dy) =>
        tf.engine().runKernel('AvgPoolGrad', { dy: dy!, input: xs! }, {
          filterSize: c.filter, strides: c.strides, pad: c.pad,
        }) as tf.Tensor,
      );
      expect(err).toBeLessThan(TOLERANCE);
    });
  }

  it('matches cpu through tf.grad of avgPool', async () => {
    const rng = new Rng(31);
    const err = await wasmVsCpu([normal(rng, [5, 12, 12, 4])], (x) =>
      tf.grad((v: tf.Tensor) => tf.avgPool(v as tf.Tensor4D, 2, 2, 'valid').square().sum())(x!),
    );
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('frees its intermediates', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([3, 8, 8, 2]) as tf.Tensor4D;
    const before = wasmDataIds();
    tf.grad((v: tf.Tensor) => tf.avgPool(v as tf.Tensor4D, 2, 2, 'valid').sum())(x).dispose();
    expect(wasmDataIds()).toBe(before);
    x.dispose();
  });
});
