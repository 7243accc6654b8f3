import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmVsCpu } from './test-support/compare.js';
import { POOL_CASES, poolCaseTitle, poolOutShape, wasmDataIdsAroundPoolGrad } from './test-support/pool-cases.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) (see test-support/compare.ts).

describe('AvgPoolGrad (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('AvgPoolGrad', 'wasm')).toBe(installedWasmKernel('AvgPoolGrad'));
  });

  for (const [i, c] of POOL_CASES.entries()) {
    it(poolCaseTitle(c), async () => {
      const rng = new Rng(400 + i);
      const dyShape = poolOutShape(c);
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
    const { before, after } = await wasmDataIdsAroundPoolGrad(tf.avgPool);
    expect(after).toBe(before);
  });
});
