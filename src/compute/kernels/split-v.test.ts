import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { ints, normal, setupBackends, wasmDataIds, wasmVsCpu } from './test-support/compare.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) (see test-support/compare.ts); splits are exact, so 0.

const CASES: { shape: number[]; splits: number | number[]; axis: number }[] = [
  { shape: [1], splits: 1, axis: 0 },
  { shape: [7, 33], splits: [3, 30], axis: 1 },
  { shape: [33, 7], splits: [1, -1, 1], axis: 0 },
  { shape: [3, 9, 3, 2, 5], splits: 3, axis: 2 }, // GPT qkv: [B,T,3,H,D]
  { shape: [3, 9, 6, 2, 5], splits: [1, 0, 5], axis: -3 }, // an empty part
  { shape: [2, 4, 6, 8], splits: 4, axis: 3 },
];

describe('SplitV (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('SplitV', 'wasm')).toBe(installedWasmKernel('SplitV'));
  });

  for (const [i, c] of CASES.entries()) {
    it(`split [${c.shape}] by ${JSON.stringify(c.splits)} on axis ${c.axis} (float32, int32)`, async () => {
      const rng = new Rng(800 + i);
      expect(await wasmVsCpu([normal(rng, c.shape)], (x) => tf.split(x!, c.splits, c.axis))).toBe(0);
      expect(await wasmVsCpu([ints(rng, c.shape, 1000)], (x) => tf.split(x!, c.splits, c.axis))).toBe(0);
    });
  }

  it('gradient (concat of the parts) matches cpu', async () => {
    const rng = new Rng(1);
    const err = await wasmVsCpu([normal(rng, [3, 5, 6])], (x) =>
      tf.grad((v: tf.Tensor) => {
        const [a, b] = tf.split(v, [2, 4], 2);
        return tf.add(tf.sum(tf.square(a!)), tf.sum(tf.mul(b!, 3)));
      })(x!),
    );
    expect(err).toBe(0);
  });

  it('frees its intermediates', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([3, 9, 3, 2, 5]);
    const before = wasmDataIds();
    tf.dispose(tf.split(x, 3, 2));
    expect(wasmDataIds()).toBe(before);
    x.dispose();
  });
});
