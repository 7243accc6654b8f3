import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmDataIds, wasmVsCpu } from './test-support/compare.js';

// With the addon loaded the bias cases run natively; without it they are the backend's own Add.
describe('Add (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('Add', 'wasm')).toBe(installedWasmKernel('Add'));
  });

  const cases: [number[], number[]][] = [
    [[128, 28, 28, 6], [6]], [[6], [4, 5, 6]], [[33, 7], [1, 7]], [[2, 3, 1], [1]], [[1], [5, 1]],
    [[9, 257], [257]], [[4, 5], [4, 5]], [[4, 5], [4, 1]], [[3, 1, 5], [2, 5]], [[0, 3], [3]], [[], [7]],
  ];
  for (const [sa, sb] of cases) {
    it(`[${sa}] + [${sb}]`, async () => {
      const rng = new Rng(sa.length * 31 + sb.length);
      expect(await wasmVsCpu([normal(rng, sa), normal(rng, sb)], (a, b) => tf.add(a!, b!))).toBeLessThan(TOLERANCE);
    });
  }

  it('int32 stays int32 and exact', async () => {
    await tf.setBackend('wasm');
    const y = tf.add(tf.tensor([[1, 2], [3, 4]], [2, 2], 'int32'), tf.tensor([10, 20], [2], 'int32'));
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([11, 22, 13, 24]);
    y.dispose();
  });

  it('bias gradients match cpu', async () => {
    const rng = new Rng(3);
    const err = await wasmVsCpu([normal(rng, [16, 5, 5, 8]), normal(rng, [8])], (x, b) =>
      tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.add(u, v).square().sum())([x!, b!])[1]!,
    );
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('frees nothing it should keep and leaks nothing', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([8, 3]);
    const b = tf.randomNormal([3]);
    const before = wasmDataIds();
    tf.add(x, b).dispose();
    expect(wasmDataIds()).toBe(before);
    tf.dispose([x, b]);
  });
});
