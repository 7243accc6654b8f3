import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, ints, normal, setupBackends, wasmDataIds, wasmVsCpu } from './test-support/compare.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) (see test-support/compare.ts); slices are exact, so 0.

const CASES: { shape: number[]; begin: number[]; size: number[] }[] = [
  { shape: [1], begin: [0], size: [1] },
  { shape: [7], begin: [2], size: [3] },
  { shape: [7, 33], begin: [1, 0], size: [5, 33] }, // whole rows: one run
  { shape: [7, 33], begin: [0, 5], size: [7, 1] }, // one column: short runs
  { shape: [33, 7, 5], begin: [3, 2, 1], size: [20, 4, 3] },
  { shape: [4, 9, 3, 4, 5], begin: [0, 0, 1, 0, 0], size: [4, 9, 1, 4, 5] }, // qkv split of [B,T,3,H,D]
  { shape: [3, 5, 2, 7, 6, 2], begin: [1, 2, 0, 3, 1, 1], size: [2, 3, 2, 4, 5, 1] },
  { shape: [5, 40, 40], begin: [0, 3, 0], size: [5, 20, 40] }, // long runs (memmove)
  { shape: [6, 4], begin: [2, 1], size: [0, 3] }, // empty
];

describe('Slice (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('Slice', 'wasm')).toBe(installedWasmKernel('Slice'));
  });

  for (const [i, c] of CASES.entries()) {
    it(`shape [${c.shape}] begin [${c.begin}] size [${c.size}] (float32, int32, bool)`, async () => {
      const rng = new Rng(500 + i);
      expect(await wasmVsCpu([normal(rng, c.shape)], (x) => tf.slice(x!, c.begin, c.size))).toBeLessThan(TOLERANCE);
      expect(await wasmVsCpu([ints(rng, c.shape, 1000)], (x) => tf.slice(x!, c.begin, c.size))).toBe(0);
      expect(await wasmVsCpu([ints(rng, c.shape, 2)], (x) => tf.slice(tf.cast(x!, 'bool'), c.begin, c.size))).toBe(0);
    });
  }

  it('-1 sizes and split / unstack through Slice', async () => {
    const rng = new Rng(7);
    const x = normal(rng, [5, 6, 3, 4]);
    expect(await wasmVsCpu([x], (t) => tf.slice(t!, [1, 2, 0, 1], [-1, 3, -1, 2]))).toBe(0);
    expect(await wasmVsCpu([x], (t) => tf.split(t!, [1, 2, 3], 1))).toBe(0);
    expect(await wasmVsCpu([x], (t) => tf.unstack(t!, 2))).toBe(0);
  });

  it('frees its intermediates', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([4, 9, 3, 4, 5]);
    const before = wasmDataIds();
    tf.dispose(tf.split(x, 3, 2));
    expect(wasmDataIds()).toBe(before);
    x.dispose();
  });
});
