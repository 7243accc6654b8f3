import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmDataIds, wasmVsCpu } from './test-support/compare.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) (see test-support/compare.ts). |tanh| <= 1, so this
// is the absolute error; 2*sigmoid(2x)-1 loses relative precision only near 0, below 1e-7 absolute.

describe('Tanh (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('Tanh', 'wasm')).toBe(installedWasmKernel('Tanh'));
  });

  for (const [shape, scale] of [[[1], 1], [[7], 3], [[33, 7], 1], [[3, 5, 17], 10], [[1000], 0.001]] as [number[], number][]) {
    it(`[${shape}] with values ~N(0, ${scale})`, async () => {
      const rng = new Rng(shape.length + scale);
      const x = normal(rng, shape);
      const err = await wasmVsCpu([x], (t) => tf.tanh(tf.mul(t!, scale)));
      expect(err).toBeLessThan(TOLERANCE);
    });
  }

  it('saturates and passes NaN through', async () => {
    const x = { values: Float32Array.from([-1e30, -100, -20, 0, 20, 100, 1e30, Infinity, -Infinity, NaN]), shape: [10] };
    expect(await wasmVsCpu([x], (t) => tf.tanh(t!))).toBeLessThan(TOLERANCE);
  });

  it('gradient matches cpu', async () => {
    const rng = new Rng(4);
    expect(await wasmVsCpu([normal(rng, [9, 13])], (x) => tf.grad((v: tf.Tensor) => tf.tanh(v).sum())(x!))).toBeLessThan(TOLERANCE);
  });

  it('frees its intermediates', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([33, 7]);
    const before = wasmDataIds();
    tf.tanh(x).dispose();
    expect(wasmDataIds()).toBe(before);
    x.dispose();
  });
});
