import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmVsCpu } from './test-support/compare.js';

// Reductions over every axis but the last run natively where the addon is loaded; the rest (and
// everything without it) is the backend's own Sum.
describe('Sum (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('Sum', 'wasm')).toBe(installedWasmKernel('Sum'));
  });

  const cases: [number[], number[], boolean][] = [
    [[128, 28, 28, 6], [0, 1, 2], false], [[128, 256], [0], false], [[128, 256], [0], true], [[7, 33], [-2], false],
    [[3, 4, 5], [1, 0], true], [[3, 4, 5], [2], false], [[3, 4, 5], [0, 1, 2], false], [[0, 5], [0], false],
    [[4000, 3], [0], false], [[5], [0], false],
  ];
  for (const [shape, axes, keepDims] of cases) {
    it(`[${shape}] over [${axes}]${keepDims ? ' keepDims' : ''}`, async () => {
      const rng = new Rng(shape.length * 17 + axes.length);
      expect(await wasmVsCpu([normal(rng, shape)], (x) => tf.sum(x!, axes, keepDims))).toBeLessThan(TOLERANCE);
    });
  }

  it('int32 sums stay exact', async () => {
    await tf.setBackend('wasm');
    const y = tf.sum(tf.tensor([[1, 2], [3, 4]], [2, 2], 'int32'), 0);
    expect(Array.from(y.dataSync())).toEqual([4, 6]);
    y.dispose();
  });
});
