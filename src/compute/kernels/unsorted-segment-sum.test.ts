import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, ints, normal, runOn, setupBackends, wasmDataIds, wasmVsCpu } from './test-support/compare.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) (see test-support/compare.ts).

describe('UnsortedSegmentSum (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBe(installedWasmKernel('UnsortedSegmentSum'));
  });

  const CASES: { x: number[]; numSegments: number }[] = [
    { x: [1], numSegments: 1 },
    { x: [7], numSegments: 3 },
    { x: [33, 7], numSegments: 5 },
    { x: [33, 7], numSegments: 65 }, // more segments than rows: empty segments are zero
    { x: [128, 3, 5], numSegments: 9 },
    { x: [0, 4], numSegments: 3 },
  ];
  for (const [i, c] of CASES.entries()) {
    it(`x [${c.x}] into ${c.numSegments} segments (float32 and int32)`, async () => {
      const rng = new Rng(700 + i);
      const ids = ints(rng, [c.x[0]!], c.numSegments);
      const err = await wasmVsCpu([normal(rng, c.x), ids], (x, s) => tf.unsortedSegmentSum(x!, s as tf.Tensor1D, c.numSegments));
      expect(err).toBeLessThan(TOLERANCE);
      expect(await wasmVsCpu([ints(rng, c.x, 100), ids], (x, s) => tf.unsortedSegmentSum(x!, s as tf.Tensor1D, c.numSegments))).toBe(0);
    });
  }

  it('drops ids outside [0, numSegments), like the cpu backend', async () => {
    const x = { values: Float32Array.from([1, 2, 3, 4, 5]), shape: [5] };
    const ids = { values: Int32Array.from([0, -1, 2, 7, 0]), shape: [5] };
    const [wasm] = await runOn('wasm', [x, ids], (a, s) => tf.unsortedSegmentSum(a!, s as tf.Tensor1D, 3));
    expect(Array.from(wasm!.values)).toEqual([6, 0, 3]);
    expect(await wasmVsCpu([x, ids], (a, s) => tf.unsortedSegmentSum(a!, s as tf.Tensor1D, 3))).toBe(0);
  });

  it("is gather's gradient: embedding lookups train on wasm", async () => {
    const rng = new Rng(9);
    const table = normal(rng, [65, 16]);
    const idx = ints(rng, [4, 9], 65);
    const err = await wasmVsCpu([table, idx], (t, i) => tf.grad((e: tf.Tensor) => tf.gather(e, i!).square().sum())(t!));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('frees its intermediates', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([33, 7]);
    const ids = tf.tensor1d(Array.from({ length: 33 }, (_, i) => i % 5), 'int32');
    const before = wasmDataIds();
    tf.unsortedSegmentSum(x, ids, 5).dispose();
    expect(wasmDataIds()).toBe(before);
    tf.dispose([x, ids]);
  });
});
