import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmDataIds, wasmVsCpu, type ArrayInput } from './test-support/compare.js';

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
  { x: [3, 7, 7, 3], filter: 3, strides: 2, pad: 'same' },
  { x: [2, 9, 8, 5], filter: 3, strides: 1, pad: 'same' }, // overlapping windows
  { x: [7, 9, 11, 2], filter: [2, 3], strides: [1, 2], pad: 'valid' },
  { x: [3, 8, 8, 33], filter: 3, strides: 2, pad: 1 },
];

/** Small integers, so that windows often hold equal maxima (tie-breaking must match cpu). */
function tiedInput(rng: Rng, shape: number[]): ArrayInput {
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: Float32Array.from({ length: size }, () => Math.max(0, rng.int(5) - 2)), shape };
}

describe('MaxPoolGrad (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).toBe(installedWasmKernel('MaxPoolGrad'));
  });

  for (const [i, c] of CASES.entries()) {
    for (const ties of [false, true]) {
      it(`x=[${c.x}] filter=${JSON.stringify(c.filter)} strides=${JSON.stringify(c.strides)} pad=${c.pad}${ties ? ' with ties' : ''}`, async () => {
        const rng = new Rng(300 + i);
        const x = ties ? tiedInput(rng, c.x) : normal(rng, c.x);
        const dyShape = tf.backend_util.computePool2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
        const err = await wasmVsCpu([x, normal(rng, dyShape)], (xs, dy) =>
          tf.engine().runKernel('MaxPoolGrad', { dy: dy!, input: xs!, output: tf.maxPool(xs as tf.Tensor4D, c.filter, c.strides, c.pad) }, {
            filterSize: c.filter, strides: c.strides, pad: c.pad,
          }) as tf.Tensor,
        );
        expect(err).toBeLessThan(TOLERANCE);
      });
    }
  }

  it('non-finite values: NaN, -Infinity and Infinity in windows, 1x1 windows of -Infinity', async () => {
    const special = [NaN, -Infinity, Infinity, 0, 1, -1];
    const rng = new Rng(77);
    const shape = [3, 6, 6, 2];
    const values = Float32Array.from({ length: 216 }, () => (rng.next() < 0.3 ? special[rng.int(special.length)]! : rng.normal()));
    for (const [filter, strides] of [[2, 2], [3, 1], [1, 1]] as [number, number][]) {
      const dyShape = tf.backend_util.computePool2DInfo(shape as [number, number, number, number], filter, strides, 1, 'valid').outShape;
      const err = await wasmVsCpu([{ values, shape }, normal(rng, dyShape)], (xs, dy) =>
        tf.engine().runKernel('MaxPoolGrad', { dy: dy!, input: xs!, output: tf.maxPool(xs as tf.Tensor4D, filter, strides, 'valid') }, {
          filterSize: filter, strides, pad: 'valid',
        }) as tf.Tensor,
      );
      expect(err).toBeLessThan(TOLERANCE);
    }
  });

  it('matches cpu through tf.grad of relu + maxPool', async () => {
    const rng = new Rng(31);
    const err = await wasmVsCpu([normal(rng, [5, 12, 12, 4])], (x) =>
      tf.grad((v: tf.Tensor) => tf.maxPool(tf.relu(v) as tf.Tensor4D, 2, 2, 'valid').square().sum())(x!),
    );
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('frees its intermediates', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([3, 8, 8, 2]) as tf.Tensor4D;
    const before = wasmDataIds();
    tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid').sum())(x).dispose();
    expect(wasmDataIds()).toBe(before);
    x.dispose();
  });
});
