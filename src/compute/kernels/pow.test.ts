import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmVsCpu } from './test-support/compare.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) (see test-support/compare.ts).

describe('Pow (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('Pow', 'wasm')).toBe(installedWasmKernel('Pow'));
  });

  for (const shape of [[1], [7], [33, 7], [3, 5, 17]]) {
    for (const exponent of [0, 1, 2, 3, 4, 0.5, 5, -1]) {
      it(`[${shape}] ^ ${exponent}${Number.isInteger(exponent) && exponent >= 0 && exponent <= 4 ? '' : ' (backend kernel)'}`, async () => {
        const rng = new Rng(shape.length * 10 + exponent * 3);
        const x = normal(rng, shape);
        // Non-integer exponents of negative bases give NaN on both backends; compare |x| there.
        const err = await wasmVsCpu([x], (t) => tf.pow(Number.isInteger(exponent) ? t! : tf.abs(t!), exponent));
        expect(err).toBeLessThan(TOLERANCE);
      });
    }
  }

  it('tensor exponents and broadcasting go to the backend kernel, still correct', async () => {
    const rng = new Rng(1);
    const a = { values: Float32Array.from({ length: 21 }, () => 0.5 + rng.next()), shape: [3, 7] };
    expect(await wasmVsCpu([a, normal(rng, [3, 7])], (x, y) => tf.pow(x!, y!))).toBeLessThan(TOLERANCE);
    expect(await wasmVsCpu([a, normal(rng, [7])], (x, y) => tf.pow(x!, y!))).toBeLessThan(TOLERANCE);
    expect(await wasmVsCpu([a], (x) => tf.pow(x!, tf.scalar(3).reshape([1, 1, 1])))).toBeLessThan(TOLERANCE);
  });

  it('gradient of x^3 (GELU-tanh) matches cpu', async () => {
    const rng = new Rng(2);
    const err = await wasmVsCpu([normal(rng, [9, 13])], (x) => tf.grad((v: tf.Tensor) => tf.pow(v, 3).sum())(x!));
    expect(err).toBeLessThan(TOLERANCE);
  });
});
