import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, ints, normal, setupBackends, wasmDataIds, wasmVsCpu } from './test-support/compare.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) (see test-support/compare.ts); tiling is exact, so 0.

const CASES: { shape: number[]; reps: number[] }[] = [
  { shape: [1], reps: [1] },
  { shape: [7], reps: [3] },
  { shape: [1, 1, 32, 32], reps: [4, 4, 1, 1] }, // causal mask broadcast for tf.where
  { shape: [7, 33], reps: [2, 5] },
  { shape: [3, 1, 5], reps: [1, 7, 1] },
  { shape: [2, 3, 2, 3], reps: [3, 1, 2, 2] },
  { shape: [2, 1, 2, 3, 1], reps: [1, 2, 3, 1, 4] },
  { shape: [4, 3], reps: [0, 2] }, // empty
];

describe('Tile (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('Tile', 'wasm')).toBe(installedWasmKernel('Tile'));
  });

  for (const [i, c] of CASES.entries()) {
    it(`shape [${c.shape}] reps [${c.reps}] (float32, int32, bool)`, async () => {
      const rng = new Rng(600 + i);
      expect(await wasmVsCpu([normal(rng, c.shape)], (x) => tf.tile(x!, c.reps))).toBeLessThan(TOLERANCE);
      expect(await wasmVsCpu([ints(rng, c.shape, 1000)], (x) => tf.tile(x!, c.reps))).toBe(0);
      expect(await wasmVsCpu([ints(rng, c.shape, 2)], (x) => tf.tile(tf.cast(x!, 'bool'), c.reps))).toBe(0);
    });
  }

  it('broadcasts tf.where conditions and back-propagates through tile', async () => {
    const rng = new Rng(3);
    const mask = ints(rng, [8, 8], 2);
    const scores = normal(rng, [3, 2, 8, 8]);
    expect(await wasmVsCpu([mask, scores], (m, s) => tf.where(tf.cast(m!, 'bool'), s!, tf.fill(s!.shape, -1e9)))).toBe(0);
    expect(await wasmVsCpu([normal(rng, [2, 3])], (x) => tf.grad((v: tf.Tensor) => tf.tile(v, [3, 2]).square().sum())(x!))).toBeLessThan(TOLERANCE);
  });

  it('frees its intermediates', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 3, 2, 3]);
    const before = wasmDataIds();
    tf.tile(x, [3, 1, 2, 2]).dispose();
    expect(wasmDataIds()).toBe(before);
    x.dispose();
  });
});
